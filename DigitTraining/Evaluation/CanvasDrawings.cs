namespace Digit.Training.Evaluation;

/// <summary>
/// Redraws MNIST digits the way a user draws on a browser canvas (solid anti-aliased pen, any size and place),
/// and downsizes them the way the frontend in use does.
/// </summary>
public static class CanvasDrawings
{
    /// <summary>Width and height of the frontend's canvas, in pixels.</summary>
    public const int CanvasSide = 280;

    /// <summary>Width and height of the picture the frontend sends, in pixels.</summary>
    public const int Side = 28;

    private const double EdgeSoftness = 0.15;
    private const int Border = 8;
    private const int PaddedSide = Side + 2 * Border;

    /// <summary>A random style within what users do: 35–90% of the canvas tall, anywhere, thin to fat strokes.</summary>
    public static CanvasStyle RandomStyle(ReadOnlySpan<byte> digit, Random random)
    {
        var bold = random.NextDouble() < 0.3;
        var box = InkBox(digit);
        var height = CanvasSide * (0.35 + 0.55 * random.NextDouble());
        var scale = Math.Min(height / box.Height, CanvasSide * 0.9 / box.Width);
        var width = box.Width * scale;
        height = box.Height * scale;
        var margin = 8.0;
        var left = margin + random.NextDouble() * Math.Max(0, CanvasSide - 2 * margin - width);
        var top = margin + random.NextDouble() * Math.Max(0, CanvasSide - 2 * margin - height);
        return new CanvasStyle(height, 0.08 + 0.37 * random.NextDouble(), bold, left, top, random.NextDouble() < 0.5);
    }

    /// <summary>The digit drawn ten times larger in the middle of the canvas with a wide pen, black on white.</summary>
    public static CanvasStyle CentredLarge(ReadOnlySpan<byte> digit)
    {
        var box = InkBox(digit);
        var height = box.Height * 10.0;
        var width = box.Width * 10.0;
        return new CanvasStyle(height, 0.15, Bold: true, (CanvasSide - width) / 2, (CanvasSide - height) / 2, Transparent: false);
    }

    /// <summary>Pen coverage 0..1 of every canvas pixel, rows top to bottom.</summary>
    public static float[] Render(ReadOnlySpan<byte> digit, CanvasStyle style)
    {
        var source = new float[Side * Side];
        for (var i = 0; i < source.Length; i++)
        {
            source[i] = digit[i] / 255f;
        }
        if (style.Bold)
        {
            source = Dilate(source);
        }
        var box = InkBox(digit);
        var scale = style.InkHeight / box.Height;
        var coverage = new float[CanvasSide * CanvasSide];
        // Only the ink's box (plus a source pixel on every side for the widened pen) can be inked.
        var x0 = Math.Max(0, (int)(style.Left - 2 * scale));
        var x1 = Math.Min(CanvasSide, (int)(style.Left + (box.Width + 2) * scale) + 1);
        var y0 = Math.Max(0, (int)(style.Top - 2 * scale));
        var y1 = Math.Min(CanvasSide, (int)(style.Top + (box.Height + 2) * scale) + 1);
        // Source positions depend on the column or the row alone, so each is worked out once; the zero border of the
        // padded source stands for "outside the digit" without a bounds check per sample.
        var padded = Padded(source);
        var columns = new (int Index, double Fraction)[x1 - x0];
        for (var x = x0; x < x1; x++)
        {
            columns[x - x0] = Sample((x + 0.5 - style.Left) / scale + box.Left - 0.5);
        }
        for (var y = y0; y < y1; y++)
        {
            var (row, fy) = Sample((y + 0.5 - style.Top) / scale + box.Top - 0.5);
            for (var x = x0; x < x1; x++)
            {
                var (column, fx) = columns[x - x0];
                var i = row * PaddedSide + column;
                var intensity = (1 - fy) * ((1 - fx) * padded[i] + fx * padded[i + 1])
                    + fy * ((1 - fx) * padded[i + PaddedSide] + fx * padded[i + PaddedSide + 1]);
                coverage[y * CanvasSide + x] = (float)Math.Clamp((intensity - style.Threshold) / EdgeSoftness + 0.5, 0, 1);
            }
        }
        return coverage;
    }

    /// <summary>
    /// What the frontend sends for the canvas: halved three times with smoothing (280→140→70→35), scaled to
    /// 28×28 bilinearly, then each colour inverted (alpha kept). Grey+alpha, two bytes a pixel. Browsers
    /// scale premultiplied colour, so on a transparent canvas the ink's share lives in alpha and every
    /// colour is black, inverted to white.
    /// </summary>
    public static byte[] FrontendImage(float[] coverage, bool transparent)
    {
        var side = CanvasSide;
        var values = coverage;
        for (var halving = 0; halving < 3; halving++)
        {
            values = Halve(values, side);
            side /= 2;
        }
        var small = new float[Side * Side];
        var step = (double)side / Side;
        for (var y = 0; y < Side; y++)
        {
            for (var x = 0; x < Side; x++)
            {
                small[y * Side + x] = Quantize(Bilinear(values, side, side, (x + 0.5) * step - 0.5, (y + 0.5) * step - 0.5));
            }
        }
        var greyAlpha = new byte[Side * Side * 2];
        for (var i = 0; i < small.Length; i++)
        {
            var ink = ToByte(small[i]);
            // White canvas: grey 255 - ink, inverted to ink. Transparent: black at alpha ink, inverted to white.
            greyAlpha[i * 2] = transparent ? (byte)255 : ink;
            greyAlpha[i * 2 + 1] = transparent ? ink : (byte)255;
        }
        return greyAlpha;
    }

    // The digit inside a zero border wider than any sample position falls outside it (at most 3 pixels).
    private static float[] Padded(float[] source)
    {
        var padded = new float[PaddedSide * PaddedSide];
        for (var y = 0; y < Side; y++)
        {
            source.AsSpan(y * Side, Side).CopyTo(padded.AsSpan((y + Border) * PaddedSide + Border));
        }
        return padded;
    }

    // The padded index of the sample before position p, and how far p lies past it.
    private static (int Index, double Fraction) Sample(double position)
    {
        var floor = Math.Floor(position);
        return (Math.Clamp((int)floor + Border, 0, PaddedSide - 2), position - floor);
    }

    private static float[] Halve(float[] values, int side)
    {
        var half = side / 2;
        var result = new float[half * half];
        for (var y = 0; y < half; y++)
        {
            for (var x = 0; x < half; x++)
            {
                var i = 2 * y * side + 2 * x;
                result[y * half + x] = Quantize((values[i] + values[i + 1] + values[i + side] + values[i + side + 1]) / 4);
            }
        }
        return result;
    }

    private static float[] Dilate(float[] source)
    {
        var result = new float[source.Length];
        for (var y = 0; y < Side; y++)
        {
            for (var x = 0; x < Side; x++)
            {
                var max = 0f;
                for (var dy = -1; dy <= 1; dy++)
                {
                    for (var dx = -1; dx <= 1; dx++)
                    {
                        var (sx, sy) = (x + dx, y + dy);
                        if (sx >= 0 && sx < Side && sy >= 0 && sy < Side)
                        {
                            // Diagonal neighbours count less, so the widened pen stays round.
                            var weight = dx != 0 && dy != 0 ? 0.6f : 1f;
                            max = Math.Max(max, source[sy * Side + sx] * weight);
                        }
                    }
                }
                result[y * Side + x] = max;
            }
        }
        return result;
    }

    private static double Bilinear(float[] values, int width, int height, double u, double v)
    {
        var x0 = (int)Math.Floor(u);
        var y0 = (int)Math.Floor(v);
        var fx = u - x0;
        var fy = v - y0;
        return (1 - fy) * ((1 - fx) * At(values, width, height, x0, y0) + fx * At(values, width, height, x0 + 1, y0))
            + fy * ((1 - fx) * At(values, width, height, x0, y0 + 1) + fx * At(values, width, height, x0 + 1, y0 + 1));
    }

    private static float At(float[] values, int width, int height, int x, int y) =>
        x < 0 || y < 0 || x >= width || y >= height ? 0f : values[y * width + x];

    private static float Quantize(double value) => ToByte(value) / 255f;

    /// <summary>A coverage 0..1 as a byte 0..255, rounded.</summary>
    public static byte ToByte(double value) => (byte)Math.Clamp(Math.Round(value * 255), 0, 255);

    private static (int Left, int Top, int Width, int Height) InkBox(ReadOnlySpan<byte> digit)
    {
        int left = Side, top = Side, right = -1, bottom = -1;
        for (var y = 0; y < Side; y++)
        {
            for (var x = 0; x < Side; x++)
            {
                if (digit[y * Side + x] > 0)
                {
                    (left, right) = (Math.Min(left, x), Math.Max(right, x));
                    (top, bottom) = (Math.Min(top, y), Math.Max(bottom, y));
                }
            }
        }
        return right < 0 ? (0, 0, Side, Side) : (left, top, right - left + 1, bottom - top + 1);
    }
}
