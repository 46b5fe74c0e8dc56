namespace Digit.Inference.Drawing.Formats;

/// <summary>
/// The work a decoder does on the compressed data stays within what the header's dimensions need: PNG data inflates
/// to at most the IHDR's scanlines, a GIF frame's LZW codes to at most its pixels, and a JPEG has a bounded number
/// of scans. BMP pixels are stored uncompressed (the decoder supports no RLE), so the file's size bounds them.
/// </summary>
internal static class ImageDataBound
{
    /// <summary>Throws <see cref="DrawingErrorKind.UnreadableImage"/> when decoding would outgrow the header. The file must have been found complete.</summary>
    public static void Ensure(ImageHeader header, byte[] image)
    {
        switch (header.Format)
        {
            case ImageFormat.Png:
                PngDataBound.Ensure(header, image);
                break;
            case ImageFormat.Gif:
                GifDataBound.Ensure(image);
                break;
            case ImageFormat.Jpeg:
                JpegDataBound.Ensure(image);
                break;
            case ImageFormat.Bmp:
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(header), header.Format, null);
        }
    }
}
