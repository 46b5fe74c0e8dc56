using Digit.Inference.Drawing;
using Digit.Training.Data;

namespace Digit.Training.Evaluation;

/// <summary>
/// MNIST test digits redrawn the way people draw on the frontend's 280×280 canvas (<see cref="CanvasDrawings"/>:
/// any size and place, thin to fat pens, on white or transparent), downsized as the frontend does, then decoded and
/// preprocessed as the server does: each image is what the network sees for that drawing. A model that reads MNIST
/// well can still read these badly (a fat pen is the usual cause), so they measure what people will get.
/// </summary>
public static class DrawingsSet
{
    /// <summary>Drawings in the set unless asked otherwise: enough to tell models 0.3 points apart.</summary>
    public const int DefaultCount = 3_000;

    /// <summary>The seed of the drawing styles unless asked otherwise; also DigitBench's `drawings` default.</summary>
    public const int DefaultSeed = 12345;

    /// <summary>
    /// <paramref name="count"/> drawings (at most one per test image) of test images spread evenly over
    /// <paramref name="test"/>, as 784 bytes each, 0 = background, 255 = ink, with their labels. The same set,
    /// count and seed always give the same bytes. With count equal to the set's size, drawing i is DigitBench's
    /// drawing i for the same seed. A drawing the preprocessing refuses (none in practice) is left all background.
    /// <paramref name="parallelism"/> bounds the threads that draw (every core when null): a server that makes the
    /// set beside live requests makes it on one thread, so its thread pool stays free for them.
    /// </summary>
    public static MnistSet Create(MnistSet test, int count = DefaultCount, int seed = DefaultSeed, int? parallelism = null)
    {
        ArgumentNullException.ThrowIfNull(test);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var plan = Plan(test, count, seed);
        var pixels = new byte[plan.Count * MnistSet.ImageSize];
        var labels = new byte[plan.Count];
        // Each drawing depends only on its digit and its style, so the order they are made in does not matter.
        Parallel.For(0, plan.Count, new ParallelOptions { MaxDegreeOfParallelism = parallelism ?? -1 }, i =>
        {
            var (source, style) = plan[i];
            var picture = CanvasDrawings.FrontendImage(CanvasDrawings.Render(test.Image(source), style), style.Transparent);
            WriteNetworkInput(picture, pixels.AsSpan(i * MnistSet.ImageSize, MnistSet.ImageSize));
            labels[i] = test.Labels[source];
        });
        return new MnistSet(pixels, labels);
    }

    /// <summary>
    /// Which test image each drawing of <see cref="Create"/> (same arguments, same order) redraws and in which style:
    /// to tell apart what a model misreads, or to draw them again another way.
    /// </summary>
    public static IReadOnlyList<PlannedDrawing> Plan(MnistSet test, int count = DefaultCount, int seed = DefaultSeed)
    {
        ArgumentNullException.ThrowIfNull(test);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var n = Math.Min(count, test.Count);
        // Styles come one after another from one generator, so they depend on the seed and the count alone. Sources
        // are spread evenly: MNIST's test set holds its cleaner writers in the first half, so a prefix would flatter.
        var random = new Random(seed);
        return [.. Enumerable.Range(0, n).Select(i =>
        {
            var source = (int)((long)i * test.Count / n);
            return new PlannedDrawing(source, CanvasDrawings.RandomStyle(test.Image(source), random));
        })];
    }

    // A grey+alpha PNG of these bytes decodes to the same bytes, so this is what the server computes for it.
    private static void WriteNetworkInput(byte[] greyAlpha, Span<byte> destination)
    {
        var image = new DecodedImage(CanvasDrawings.Side, CanvasDrawings.Side, greyAlpha, ImageFormat.Png);
        Span<float> input = stackalloc float[DrawingPreprocessor.PixelCount];
        try
        {
            DrawingPreprocessor.Preprocess(image, input);
        }
        catch (DrawingException)
        {
            destination.Clear();
            return;
        }
        for (var i = 0; i < input.Length; i++)
        {
            destination[i] = CanvasDrawings.ToByte(input[i]);
        }
    }
}
