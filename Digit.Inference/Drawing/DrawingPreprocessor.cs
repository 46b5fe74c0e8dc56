namespace Digit.Inference.Drawing;

/// <summary>
/// Turns a decoded drawing into the model's input the way the MNIST digits were made: ink bright on a
/// zero background, the ink's bounding box scaled (keeping its aspect ratio, area-averaged) to fit 20x20,
/// placed in 28x28 with its centre of mass at (14, 14), values 0..1.
/// </summary>
public static class DrawingPreprocessor
{
    /// <summary>The side of the model's input.</summary>
    public const int Side = 28;

    /// <summary>The number of values the model takes, row-major.</summary>
    public const int PixelCount = Side * Side;

    /// <summary>The longer side of the ink's box is scaled to this, as in MNIST.</summary>
    public const int FitSide = 20;

    /// <summary>
    /// Ink (grey distance from the background, 0..255) at or below this is noise: it does not widen the
    /// bounding box, and a drawing with nothing above it is empty. About 12%; JPEG ringing and scanner
    /// noise stay below it, a light pencil stroke does not.
    /// </summary>
    public const int InkThreshold = 32;

    // Where the centre of mass goes, in pixel indices (0..27) on both axes: the usual MNIST recipe.
    private const double Centre = 14.0;

    /// <summary>The 784 input values for <paramref name="image"/>.</summary>
    public static float[] Preprocess(DecodedImage image)
    {
        var result = new float[PixelCount];
        Preprocess(image, result);
        return result;
    }

    /// <summary>Writes the 784 input values for <paramref name="image"/> into <paramref name="destination"/>.</summary>
    public static void Preprocess(DecodedImage image, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (destination.Length != PixelCount)
        {
            throw new ArgumentException($"The destination must hold {PixelCount} values (28x28).", nameof(destination));
        }

        var ink = InkLevels.Measure(image);
        var box = FindInkBox(image, ink);
        var boxInk = new byte[box.Width * box.Height];
        for (var y = 0; y < box.Height; y++)
        {
            for (var x = 0; x < box.Width; x++)
            {
                boxInk[y * box.Width + x] = ink.At(image.GreyAlpha, (box.Top + y) * image.Width + box.Left + x);
            }
        }

        var scale = (double)FitSide / Math.Max(box.Width, box.Height);
        var width = Math.Clamp((int)Math.Round(box.Width * scale), 1, FitSide);
        var height = Math.Clamp((int)Math.Round(box.Height * scale), 1, FitSide);
        Span<float> fitted = stackalloc float[width * height];
        AreaResampler.Resample(boxInk, box.Width, box.Height, fitted, width, height);

        var (centreX, centreY, peak) = CentreOfMass(fitted, width, height);
        var left = Math.Clamp(RoundHalfDown(Centre - centreX), 0, Side - width);
        var top = Math.Clamp(RoundHalfDown(Centre - centreY), 0, Side - height);

        // The peak becomes 1.0. MNIST strokes reach full intensity in nearly every digit; area-averaging a
        // thin stroke off a large canvas, a grey pen or a lifted background would otherwise give the model
        // fainter digits than it was trained on. Stretching changes contrast only, never the shape.
        var gain = 1f / peak;
        destination.Clear();
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                destination[(top + y) * Side + left + x] = fitted[y * width + x] * gain;
            }
        }
    }

    // Halves round down, so a symmetric box of even size (centre of mass x.5) gets equal margins: a 20-pixel
    // box lands at 4..23, as in MNIST, with its centre of mass half a pixel before 14.
    private static int RoundHalfDown(double value) => (int)Math.Ceiling(value - 0.5);

    private static InkBox FindInkBox(DecodedImage image, InkLevels ink)
    {
        int left = image.Width, top = image.Height, right = -1, bottom = -1;
        var pixels = image.GreyAlpha;
        for (var y = 0; y < image.Height; y++)
        {
            for (var x = 0; x < image.Width; x++)
            {
                if (ink.At(pixels, y * image.Width + x) > InkThreshold)
                {
                    left = Math.Min(left, x);
                    right = Math.Max(right, x);
                    top = Math.Min(top, y);
                    bottom = Math.Max(bottom, y);
                }
            }
        }
        if (right < 0)
        {
            throw new DrawingException(
                DrawingErrorKind.EmptyDrawing,
                $"The {image.Width}x{image.Height} drawing has no ink: no pixel stands out from the background by more than {InkThreshold} of 255 grey levels.");
        }
        return new InkBox(left, top, right - left + 1, bottom - top + 1);
    }

    private static (double X, double Y, float Peak) CentreOfMass(ReadOnlySpan<float> values, int width, int height)
    {
        double mass = 0, sumX = 0, sumY = 0;
        var peak = 0f;
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var value = values[y * width + x];
                mass += value;
                sumX += value * x;
                sumY += value * y;
                peak = Math.Max(peak, value);
            }
        }
        return (sumX / mass, sumY / mass, peak);
    }

    private readonly record struct InkBox(int Left, int Top, int Width, int Height);
}
