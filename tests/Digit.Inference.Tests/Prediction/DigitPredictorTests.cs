using System.Diagnostics;
using Digit.Inference.Prediction;
using Digit.Testing.Hosts;

namespace Digit.Inference.Tests.Prediction;

public sealed class DigitPredictorTests
{
    /// <summary>
    /// ONNX Runtime sets a session up on its first run; the predictor does that run while the model loads, so the
    /// first request is as fast as the ones after it (on a cold worker it took hundreds of milliseconds).
    /// </summary>
    [Fact]
    [Trait("Category", "Timing")]
    public void Predict_FirstCallAfterLoading_IsAsFastAsTheOnesAfterIt()
    {
        using var predictor = new DigitPredictor(File.ReadAllBytes(DigitHost.ShippedModel));
        var image = new float[28 * 28];
        image[14 * 28 + 14] = 1;

        var first = Time(() => predictor.Predict(image));
        var later = Enumerable.Range(0, 21).Select(_ => Time(() => predictor.Predict(image))).Order().ToArray();
        var median = later[later.Length / 2];

        // Generous against a loaded machine: the setup run costs many times a warm run.
        Assert.True(first <= median * 5 + TimeSpan.FromMilliseconds(2),
            $"The first prediction took {first.TotalMilliseconds:F2} ms, the median of the next 21 {median.TotalMilliseconds:F2} ms.");
    }

    private static TimeSpan Time(Action action)
    {
        var started = Stopwatch.GetTimestamp();
        action();
        return Stopwatch.GetElapsedTime(started);
    }
}
