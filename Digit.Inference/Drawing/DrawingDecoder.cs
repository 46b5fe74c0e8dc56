using SkiaSharp;

namespace Digit.Inference.Drawing;

/// <summary>
/// Decodes the <c>drawing</c> of a request into pixels with Skia's codecs (libpng, libjpeg-turbo, wuffs for GIF,
/// Skia's own BMP reader). Untrusted bytes pass five gates: the payload size, the signature and end marker
/// (<see cref="ImageSignature"/>), the work the data stands for (<see cref="GifDataBound"/>, <see cref="JpegScanLimit"/>),
/// the header Skia reads before any pixel (dimensions, checked against <see cref="MaxSide"/> and
/// <see cref="MaxPixels"/>), and the decode itself into a buffer sized from those dimensions, which no compressed data
/// can grow. Every failure is a <see cref="DrawingException"/>.
/// </summary>
public static class DrawingDecoder
{
    /// <summary>The largest width or height accepted.</summary>
    public const int MaxSide = 4096;

    /// <summary>
    /// The most pixels accepted (2 megapixels, e.g. 1920x1080 or 1448x1448). Decoding holds 6 bytes a pixel (RGBA, then
    /// grey + alpha), so one image stays near 12 MiB. Drawings are 28x28 (the frontend) or 280x280 (a raw canvas).
    /// </summary>
    public const int MaxPixels = 1 << 21;

    private const int RgbaBytes = 4;

    /// <summary>Decodes a data URL (<c>data:image/png;base64,...</c>) or bare base64.</summary>
    public static DecodedImage Decode(string drawing) => DecodeImage(DrawingPayload.ToBytes(drawing));

    /// <summary>Decodes PNG, JPEG, GIF (first frame) or BMP bytes.</summary>
    public static DecodedImage DecodeImage(byte[] image)
    {
        using var inspected = Inspect(image);
        return Decode(inspected);
    }

    /// <summary>
    /// Every check that needs no pixels: the size, the format and the dimensions in the header. Cheap and bounded
    /// whatever the bytes. The result holds the codec for <see cref="Decode(InspectedImage)"/>; dispose it.
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
        if (image.Length == 0)
        {
            throw new DrawingException(DrawingErrorKind.EmptyImage, "The image has no bytes.");
        }
        var format = ImageSignature.Recognise(image);
        var name = ImageSignature.Name(format);
        ImageSignature.EnsureComplete(format, image);
        // The work of decoding a GIF or a JPEG grows with its data, not only its pixels; bounded before Skia sees it.
        if (format == ImageFormat.Gif)
        {
            GifDataBound.Ensure(image);
        }
        else if (format == ImageFormat.Jpeg)
        {
            JpegScanLimit.Ensure(image);
        }
        var codec = CreateCodec(image, format);
        try
        {
            if (codec.EncodedFormat != SkiaFormat(format))
            {
                throw new DrawingException(DrawingErrorKind.UnreadableImage, $"The {name} signature starts a {codec.EncodedFormat} image.");
            }
            var (width, height) = (codec.Info.Width, codec.Info.Height);
            if (width <= 0 || height <= 0)
            {
                throw new DrawingException(DrawingErrorKind.EmptyImage, $"The {name} image is {width}x{height} pixels.");
            }
            if (width > MaxSide || height > MaxSide)
            {
                throw new DrawingException(
                    DrawingErrorKind.TooLarge,
                    $"The {name} image claims {width}x{height} pixels; at most {MaxSide}x{MaxSide} are accepted.");
            }
            if ((long)width * height > MaxPixels)
            {
                throw new DrawingException(
                    DrawingErrorKind.TooLarge,
                    $"The {name} image claims {width}x{height} = {(long)width * height:N0} pixels; at most {MaxPixels:N0} pixels (2 megapixels, e.g. 1920x1080) are accepted.");
            }
            return new InspectedImage(codec, format);
        }
        catch
        {
            codec.Dispose();
            throw;
        }
    }

    /// <summary>Decodes an image that passed <see cref="Inspect"/>: the first frame, as grey + alpha.</summary>
    public static DecodedImage Decode(InspectedImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var codec = image.Codec;
        var (width, height) = (codec.Info.Width, codec.Info.Height);
        // No colour space: pixels come as stored, with no ICC or gamma conversion; unpremultiplied, so grey survives
        // where alpha is low.
        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var rgba = new byte[width * height * RgbaBytes];
        var result = codec.GetPixels(info, rgba);
        var name = ImageSignature.Name(image.Format);
        switch (result)
        {
            case SKCodecResult.Success:
                return new DecodedImage(width, height, ToGreyAlpha(rgba), image.Format);
            case SKCodecResult.IncompleteInput:
                // Skia fills the missing rows; a drawing with made-up rows is refused instead.
                throw new DrawingException(IncompleteKind(image.Format), $"The {name} data ends before all {height} rows are decoded.");
            default:
                throw new DrawingException(DrawingErrorKind.UnreadableImage, $"The {name} data could not be decoded ({result}).");
        }
    }

    private static SKCodec CreateCodec(byte[] image, ImageFormat format)
    {
        var stream = new SKMemoryStream(image);
        var codec = SKCodec.Create(stream, out var result);
        if (codec is not null)
        {
            return codec;
        }
        // Without a codec the stream is Skia's to free already. Skia says "incomplete input" for headers it refuses too
        // (a zero or out-of-range side).
        var kind = result == SKCodecResult.IncompleteInput ? IncompleteKind(format) : DrawingErrorKind.UnreadableImage;
        throw new DrawingException(kind, $"The {ImageSignature.Name(format)} header could not be read ({result}).");
    }

    // A file that reached its end marker is whole, so data that runs out inside it is broken, not cut short. A BMP has
    // no end marker: running out is its only sign of truncation.
    private static DrawingErrorKind IncompleteKind(ImageFormat format) =>
        format == ImageFormat.Bmp ? DrawingErrorKind.TruncatedImage : DrawingErrorKind.UnreadableImage;

    private static SKEncodedImageFormat SkiaFormat(ImageFormat format) => format switch
    {
        ImageFormat.Png => SKEncodedImageFormat.Png,
        ImageFormat.Jpeg => SKEncodedImageFormat.Jpeg,
        ImageFormat.Gif => SKEncodedImageFormat.Gif,
        _ => SKEncodedImageFormat.Bmp,
    };

    // Integer BT.601 luma, (77 R + 150 G + 29 B) / 256: the weights the stored corrections and the drawings set were
    // computed with, so a lossless image gives the same grey bytes whatever decoded it.
    private static byte[] ToGreyAlpha(byte[] rgba)
    {
        var greyAlpha = new byte[rgba.Length / 2];
        for (int source = 0, target = 0; source < rgba.Length; source += RgbaBytes, target += 2)
        {
            greyAlpha[target] = (byte)((rgba[source] * 77 + rgba[source + 1] * 150 + rgba[source + 2] * 29) >> 8);
            greyAlpha[target + 1] = rgba[source + 3];
        }
        return greyAlpha;
    }
}
