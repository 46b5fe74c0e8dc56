namespace Digit.Inference.Drawing;

/// <summary>
/// How bright the ink is at each pixel (0 = background, 255 = full contrast), whatever the picture's
/// polarity or transparency:
/// <list type="number">
/// <item>Transparent pixels are composited over a backdrop that contrasts with what is drawn: white when
/// the opaque pixels are dark on average (black ink on a transparent canvas), black when they are light.</item>
/// <item>The median grey of the outermost ring of pixels is the background; when it is bright the picture
/// is inverted, so ink is bright on dark like MNIST.</item>
/// <item>The background level is subtracted; grey levels are kept (no threshold).</item>
/// </list>
/// </summary>
internal readonly struct InkLevels
{
    private readonly int _backdrop;
    private readonly bool _invert;
    private readonly int _background;

    private InkLevels(int backdrop, bool invert, int background)
    {
        _backdrop = backdrop;
        _invert = invert;
        _background = background;
    }

    public static InkLevels Measure(DecodedImage image)
    {
        var pixels = image.GreyAlpha;
        long weightedGrey = 0, totalAlpha = 0;
        for (var i = 0; i < pixels.Length; i += 2)
        {
            weightedGrey += pixels[i] * pixels[i + 1];
            totalAlpha += pixels[i + 1];
        }
        var backdrop = totalAlpha > 0 && weightedGrey / totalAlpha >= 128 ? 0 : 255;

        Span<int> histogram = stackalloc int[256];
        var ring = 0;
        var last = image.Height - 1;
        for (var y = 0; y < image.Height; y++)
        {
            var row = y * image.Width;
            if (y == 0 || y == last)
            {
                for (var x = 0; x < image.Width; x++)
                {
                    histogram[Composite(pixels, row + x, backdrop)]++;
                }
                ring += image.Width;
            }
            else
            {
                histogram[Composite(pixels, row, backdrop)]++;
                ring++;
                if (image.Width > 1)
                {
                    histogram[Composite(pixels, row + image.Width - 1, backdrop)]++;
                    ring++;
                }
            }
        }
        var median = 0;
        for (var seen = 0; median < 255; median++)
        {
            seen += histogram[median];
            if (seen * 2 >= ring)
            {
                break;
            }
        }
        var invert = median > 127;
        return new InkLevels(backdrop, invert, invert ? 255 - median : median);
    }

    /// <summary>The ink level of pixel <paramref name="index"/> (not a byte offset) in grey-alpha data.</summary>
    public byte At(byte[] greyAlpha, int index)
    {
        var grey = Composite(greyAlpha, index, _backdrop);
        var oriented = _invert ? 255 - grey : grey;
        return (byte)Math.Max(0, oriented - _background);
    }

    private static int Composite(byte[] greyAlpha, int index, int backdrop)
    {
        int grey = greyAlpha[index * 2];
        int alpha = greyAlpha[index * 2 + 1];
        return (grey * alpha + backdrop * (255 - alpha) + 127) / 255;
    }
}
