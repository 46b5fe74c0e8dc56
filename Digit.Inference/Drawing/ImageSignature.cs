namespace Digit.Inference.Drawing;

/// <summary>
/// The two things Skia's codecs do not say: which of the accepted formats the bytes are in (Skia reads more formats, and
/// answers "incomplete input" for bytes it does not know at all), and whether the file reaches its end marker (Skia
/// decodes a PNG without IEND, a GIF without its trailer or a progressive JPEG cut inside a scan as if whole).
/// </summary>
internal static class ImageSignature
{
    private static readonly (byte[] Signature, ImageFormat Format)[] Signatures =
    [
        ([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A], ImageFormat.Png),
        ([0xFF, 0xD8, 0xFF], ImageFormat.Jpeg),
        ("GIF87a"u8.ToArray(), ImageFormat.Gif),
        ("GIF89a"u8.ToArray(), ImageFormat.Gif),
        ("BM"u8.ToArray(), ImageFormat.Bmp),
    ];

    // PNG: the IEND chunk (empty, then its CRC). JPEG: EOI. GIF: the trailer byte.
    private static ReadOnlySpan<byte> PngEnd => [(byte)'I', (byte)'E', (byte)'N', (byte)'D', 0xAE, 0x42, 0x60, 0x82];
    private static ReadOnlySpan<byte> JpegEnd => [0xFF, 0xD9];
    private static ReadOnlySpan<byte> GifEnd => [0x3B];

    /// <summary>The format whose signature starts <paramref name="image"/>; <see cref="DrawingErrorKind.NotAnImage"/> for none, truncated for a part of one.</summary>
    public static ImageFormat Recognise(ReadOnlySpan<byte> image)
    {
        foreach (var (signature, format) in Signatures)
        {
            if (image.StartsWith(signature))
            {
                return format;
            }
            // One byte could start anything; two of a signature are a file cut short.
            if (image.Length >= 2 && image.Length < signature.Length && signature.AsSpan().StartsWith(image))
            {
                throw new DrawingException(DrawingErrorKind.TruncatedImage, $"The {image.Length} bytes are the start of a {Name(format)} signature.");
            }
        }
        throw new DrawingException(DrawingErrorKind.NotAnImage, "The bytes are not a PNG, JPEG, GIF or BMP image.");
    }

    /// <summary>
    /// Throws <see cref="DrawingErrorKind.TruncatedImage"/> unless the file ends with its format's end marker. Strict
    /// (trailing bytes are refused too), but no encoder that makes drawings writes any.
    /// </summary>
    public static void EnsureComplete(ImageFormat format, ReadOnlySpan<byte> image)
    {
        var end = format switch
        {
            ImageFormat.Png => PngEnd,
            ImageFormat.Jpeg => JpegEnd,
            ImageFormat.Gif => GifEnd,
            // Uncompressed rows: Skia itself reports a BMP whose rows run short.
            _ => [],
        };
        if (!image.EndsWith(end))
        {
            throw new DrawingException(DrawingErrorKind.TruncatedImage, $"The {Name(format)} file does not end with its end marker ({Convert.ToHexString(end)}).");
        }
    }

    public static string Name(ImageFormat format) => format.ToString().ToUpperInvariant();
}
