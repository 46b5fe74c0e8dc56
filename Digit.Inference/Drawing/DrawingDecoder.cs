using Digit.Inference.Drawing.Formats;
using StbImageSharp;

namespace Digit.Inference.Drawing;

/// <summary>
/// Decodes the <c>drawing</c> of a request into pixels. Untrusted bytes go through four gates before the
/// (managed) StbImageSharp decoder sees them: the payload size, the header (format and claimed dimensions,
/// read without allocating), the file's completeness, and the compressed data's bound (it may not expand past
/// what the dimensions need). Every failure is a <see cref="DrawingException"/>.
/// </summary>
public static class DrawingDecoder
{
    /// <summary>The largest width or height accepted.</summary>
    public const int MaxSide = 4096;

    /// <summary>
    /// The most pixels accepted (2 megapixels, e.g. 1920x1080 or 1448x1448). The decoder's worst case, a 16-bit RGBA
    /// PNG, holds 16 bytes a pixel at its peak (20 interlaced), so one image stays near 40 MiB; at 4 megapixels it
    /// raised a process's peak memory by 66 MiB. Drawings are 28x28 (the frontend) or 280x280 (a raw canvas).
    /// </summary>
    public const int MaxPixels = 1 << 21;

    /// <summary>Decodes a data URL (<c>data:image/png;base64,...</c>) or bare base64.</summary>
    public static DecodedImage Decode(string drawing) => DecodeImage(DrawingPayload.ToBytes(drawing));

    /// <summary>Decodes PNG, JPEG, GIF (first frame) or BMP bytes.</summary>
    public static DecodedImage DecodeImage(byte[] image) => Decode(Inspect(image));

    /// <summary>
    /// Every check that needs no decoding: the size, the header's format and dimensions, the file's completeness,
    /// and the bound on what its compressed data expands to. Cheap and bounded whatever the bytes.
    /// </summary>
    public static InspectedImage Inspect(byte[] image)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (image.Length > DrawingPayload.MaxImageBytes)
        {
            throw new DrawingException(
                DrawingErrorKind.TooLarge,
                $"The image is {image.Length} bytes; at most {DrawingPayload.MaxImageBytes} bytes (1 MiB) are accepted.");
        }
        var header = ImageHeaderReader.Read(image);
        if (header.Width == 0 || header.Height == 0)
        {
            throw new DrawingException(
                DrawingErrorKind.EmptyImage,
                $"The {Name(header)} image is {header.Width}x{header.Height} pixels.");
        }
        if (header.Width > MaxSide || header.Height > MaxSide)
        {
            throw new DrawingException(
                DrawingErrorKind.TooLarge,
                $"The {Name(header)} image claims {header.Width}x{header.Height} pixels; at most {MaxSide}x{MaxSide} are accepted.");
        }
        if (header.Width * header.Height > MaxPixels)
        {
            throw new DrawingException(
                DrawingErrorKind.TooLarge,
                $"The {Name(header)} image claims {header.Width}x{header.Height} = {header.Width * header.Height:N0} pixels; at most {MaxPixels:N0} pixels (2 megapixels, e.g. 1920x1080) are accepted.");
        }
        ImageHeaderReader.EnsureComplete(header.Format, image);
        ImageDataBound.Ensure(header, image);
        return new InspectedImage(image, header);
    }

    /// <summary>Decodes an image that passed <see cref="Inspect"/>.</summary>
    public static DecodedImage Decode(InspectedImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var header = image.Header;
        var result = Run(header, image.Bytes);
        if (result.Width != header.Width || result.Height != header.Height || result.Comp != ColorComponents.GreyAlpha)
        {
            throw new DrawingException(
                DrawingErrorKind.UnreadableImage,
                $"The {Name(header)} header says {header.Width}x{header.Height} but {result.Width}x{result.Height} was decoded.");
        }
        return new DecodedImage(result.Width, result.Height, result.Data, header.Format);
    }

    private static ImageResult Run(ImageHeader header, byte[] image)
    {
        try
        {
            return ImageResult.FromMemory(image, ColorComponents.GreyAlpha);
        }
        catch (InvalidOperationException exception)
        {
            // The decoder's own refusal. Its reason (StbImage.LastError) is a process-wide static shared by
            // concurrent decodes, so it is not quoted.
            throw Unreadable(header, exception);
        }
        catch (Exception exception) when (exception is IndexOutOfRangeException or ArgumentException or OverflowException or NullReferenceException)
        {
            // StbImageSharp is machine-translated C: a bounds check it lacks surfaces as an index, argument
            // (Marshal.AllocHGlobal with a negative size) or overflow exception, and a null pointer read as a
            // NullReferenceException. None came up in 60,000 fuzzed images, but each would be a bad input,
            // not a server fault. Out-of-memory is not caught: that is the server's state, not the input's.
            throw Unreadable(header, exception);
        }
    }

    private static string Name(ImageHeader header) => header.Format.ToString().ToUpperInvariant();

    private static DrawingException Unreadable(ImageHeader header, Exception exception) => new(
        new DrawingError(
            DrawingErrorKind.UnreadableImage,
            $"The {Name(header)} data could not be decoded."),
        exception);
}
