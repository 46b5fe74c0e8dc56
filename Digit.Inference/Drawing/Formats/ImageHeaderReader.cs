namespace Digit.Inference.Drawing.Formats;

/// <summary>
/// Recognises the format from its signature and reads the claimed dimensions from the header, without
/// allocating: this runs before any decoder sees the bytes, so a small file claiming a huge image costs
/// nothing. <see cref="EnsureComplete"/> then checks that the file is not cut short.
/// </summary>
internal static class ImageHeaderReader
{
    private static ReadOnlySpan<byte> PngSignature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];
    private static ReadOnlySpan<byte> JpegSignature => [0xFF, 0xD8, 0xFF];
    private static ReadOnlySpan<byte> Gif87Signature => "GIF87a"u8;
    private static ReadOnlySpan<byte> Gif89Signature => "GIF89a"u8;
    private static ReadOnlySpan<byte> BmpSignature => "BM"u8;

    /// <summary>The format and claimed size; <see cref="DrawingException"/> when it is none of ours or cut short.</summary>
    public static ImageHeader Read(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            throw new DrawingException(DrawingErrorKind.EmptyImage, "The image has zero bytes.");
        }
        return Sniff(data) switch
        {
            ImageFormat.Png => PngStructure.ReadHeader(data),
            ImageFormat.Jpeg => JpegStructure.ReadHeader(data),
            ImageFormat.Gif => GifStructure.ReadHeader(data),
            ImageFormat.Bmp => BmpStructure.ReadHeader(data),
            _ => throw new DrawingException(
                DrawingErrorKind.NotAnImage,
                "The data is not a PNG, JPEG, GIF or BMP image (unknown signature)."),
        };
    }

    /// <summary>Throws <see cref="DrawingErrorKind.TruncatedImage"/> when the file ends before its structure does.</summary>
    public static void EnsureComplete(ImageFormat format, ReadOnlySpan<byte> data)
    {
        switch (format)
        {
            case ImageFormat.Png:
                PngStructure.EnsureComplete(data);
                break;
            case ImageFormat.Jpeg:
                JpegStructure.EnsureComplete(data);
                break;
            case ImageFormat.Gif:
                GifStructure.EnsureComplete(data);
                break;
            case ImageFormat.Bmp:
                BmpStructure.EnsureComplete(data);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(format), format, null);
        }
    }

    private static ImageFormat? Sniff(ReadOnlySpan<byte> data)
    {
        if (Matches(data, PngSignature))
        {
            return ImageFormat.Png;
        }
        if (Matches(data, JpegSignature))
        {
            return ImageFormat.Jpeg;
        }
        if (Matches(data, Gif87Signature) || Matches(data, Gif89Signature))
        {
            return ImageFormat.Gif;
        }
        if (Matches(data, BmpSignature))
        {
            return ImageFormat.Bmp;
        }
        return null;
    }

    // A file shorter than the signature that is a prefix of it (at least two bytes) is taken as that format
    // cut short, so it is reported as truncated rather than as "not an image".
    private static bool Matches(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature) =>
        data.StartsWith(signature) || (data.Length >= 2 && data.Length < signature.Length && signature.StartsWith(data));

    internal static DrawingException Truncated(string format, string detail) =>
        new(DrawingErrorKind.TruncatedImage, $"The {format} ends early: {detail}.");

    internal static DrawingException Unreadable(string format, string detail) =>
        new(DrawingErrorKind.UnreadableImage, $"The {format} cannot be read: {detail}.");
}
