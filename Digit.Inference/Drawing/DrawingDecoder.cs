using Digit.Inference.Drawing.Formats;
using StbImageSharp;

namespace Digit.Inference.Drawing;

/// <summary>
/// Decodes the <c>drawing</c> of a request into pixels. Untrusted bytes go through three gates before the
/// (managed) StbImageSharp decoder sees them: the payload size, the header (format and claimed dimensions,
/// read without allocating) and the file's completeness. Every failure is a <see cref="DrawingException"/>.
/// </summary>
public static class DrawingDecoder
{
    /// <summary>The largest width or height accepted.</summary>
    public const int MaxSide = 4096;

    /// <summary>Decodes a data URL (<c>data:image/png;base64,...</c>) or bare base64.</summary>
    public static DecodedImage Decode(string drawing) => DecodeImage(DrawingPayload.ToBytes(drawing));

    /// <summary>Decodes PNG, JPEG, GIF (first frame) or BMP bytes.</summary>
    public static DecodedImage DecodeImage(byte[] image)
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
        ImageHeaderReader.EnsureComplete(header.Format, image);

        var result = Run(header, image);
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
