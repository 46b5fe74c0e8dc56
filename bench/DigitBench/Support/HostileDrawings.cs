using Digit.Testing;

namespace Digit.Bench.Support;

/// <summary>
/// Request bodies of at most 1 MiB that cost a decoder far more than their size: compression bombs for each
/// compressed format, and the largest images the server still decodes.
/// </summary>
internal static class HostileDrawings
{
    // The body is {"drawing":"data:image/...;base64,<image>"}: the image may take 3/4 of 1 MiB, less the wrapper.
    private const int MaxImageBytes = ((1 << 20) - 64) / 4 * 3;

    /// <summary>One kind of hostile drawing: its name, what it is, and the request body.</summary>
    public sealed record Kind(string Name, string Description, byte[] Body, bool IsBomb);

    public static IReadOnlyList<Kind> All()
    {
        var pngBomb = Largest(inflated => PngWriter.WriteZeros(1, 1, 8, PngColorType.Rgba, inflated), 760L << 20, step: 10L << 20);
        var gifBomb = Largest(cycles => GifWriter.WriteRunaway(1, 1, (int)cycles), 140, step: 1);
        var jpegBomb = Largest(scans => JpegWriter.WriteProgressive(new TestCanvas(1448, 1448), (int)scans), 200, step: 1);
        var bmp = BmpWriter.Write(new TestCanvas(510, 510));
        var largestPng = PngWriter.WriteZeros(1448, 1448, 16, PngColorType.Rgba, AdamSevenScanlines(1448, 1448, 64), interlace: 1);
        var largestJpeg = JpegWriter.WriteProgressive(new TestCanvas(1448, 1448), refinementScans: 30);
        return
        [
            new("png-idat", $"1x1 RGBA PNG of {pngBomb.Image.Length / 1e6:F2} MB, IDAT inflating to {pngBomb.Parameter >> 20} MiB", Body(pngBomb.Image), true),
            new("gif-lzw", $"1x1 GIF of {gifBomb.Image.Length / 1e6:F2} MB, LZW codes for {gifBomb.Parameter * 8.37:F0} million pixels", Body(gifBomb.Image), true),
            new("jpeg-scans", $"1448x1448 progressive JPEG of {jpegBomb.Image.Length / 1e6:F2} MB with {jpegBomb.Parameter + 2} scans", Body(jpegBomb.Image), true),
            new("bmp", $"510x510 24-bit BMP of {bmp.Length / 1e6:F2} MB (uncompressed: no bomb possible)", Body(bmp), true),
            new("largest-png", $"1448x1448 16-bit RGBA Adam7 PNG of {largestPng.Length / 1e3:F0} kB (2 MP: accepted, decoded)", Body(largestPng), false),
            new("largest-jpeg", $"1448x1448 progressive JPEG of {largestJpeg.Length / 1e3:F0} kB with 32 scans (accepted, decoded)", Body(largestJpeg), false),
        ];
    }

    private static byte[] Body(byte[] image) => Drawings.RequestBody(Drawings.DataUrl(image));

    // The largest parameter (counting down from start) whose image fits the request limit.
    private static (byte[] Image, long Parameter) Largest(Func<long, byte[]> build, long start, long step)
    {
        for (var parameter = start; parameter > 0; parameter -= step)
        {
            var image = build(parameter);
            if (image.Length <= MaxImageBytes)
            {
                return (image, parameter);
            }
        }
        throw new InvalidOperationException("No hostile image fits in 1 MiB.");
    }

    private static long AdamSevenScanlines(int width, int height, int bitsPerPixel)
    {
        (int X, int Y, int StepX, int StepY)[] passes = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)];
        long total = 0;
        foreach (var (x, y, stepX, stepY) in passes)
        {
            long columns = (width - x + stepX - 1) / stepX;
            long rows = (height - y + stepY - 1) / stepY;
            if (columns > 0 && rows > 0)
            {
                total += rows * (1 + (columns * bitsPerPixel + 7) / 8);
            }
        }
        return total;
    }
}
