using Digit.Inference.Drawing;
using Digit.Testing;
using Digit.Testing.Hosts;
using Digit.Training.Data;
using Digit.Training.Evaluation;
using Digit.Training.Tests.TestSupport;

namespace Digit.Training.Tests.Evaluation;

/// <summary>The canvas drawings the publish step and DigitBench measure models on.</summary>
[Collection(MnistCollection.Name)]
public sealed class DrawingsSetTests(MnistFixture mnist)
{
    private static string ShippedModel => DigitHost.ShippedModel;

    [Fact]
    public void Create_SameSeedTwice_GivesTheSameImagesAndLabels()
    {
        var first = DrawingsSet.Create(mnist.Data.Test, count: 500, seed: 7);
        var second = DrawingsSet.Create(mnist.Data.Test, count: 500, seed: 7);

        Assert.Equal(500, first.Count);
        Assert.Equal(first.Pixels, second.Pixels);
        Assert.Equal(first.Labels, second.Labels);
    }

    [Fact]
    public void Create_AnotherSeed_DrawsDifferently()
    {
        var first = DrawingsSet.Create(mnist.Data.Test, count: 200, seed: 7);
        var other = DrawingsSet.Create(mnist.Data.Test, count: 200, seed: 8);

        Assert.Equal(first.Labels, other.Labels);
        Assert.NotEqual(first.Pixels, other.Pixels);
    }

    [Fact]
    public void Create_EveryImage_IsWhatTheServerMakesOfTheFrontendsPng()
    {
        var test = mnist.Data.Test;
        var set = DrawingsSet.Create(test, count: 50);
        var plan = DrawingsSet.Plan(test, count: 50);

        for (var i = 0; i < set.Count; i++)
        {
            var (source, style) = plan[i];
            var picture = CanvasDrawings.FrontendImage(CanvasDrawings.Render(test.Image(source), style), style.Transparent);
            var png = PngWriter.Write(CanvasDrawings.Side, CanvasDrawings.Side, PngColorType.GreyAlpha, Scanlines(picture));
            var served = DrawingPreprocessor.Preprocess(DrawingDecoder.DecodeImage(png));

            var expected = served.Select(value => CanvasDrawings.ToByte(value)).ToArray();
            Assert.Equal(expected, set.Image(i).ToArray());
            Assert.Equal(test.Labels[source], set.Labels[i]);
        }
    }

    [Fact]
    public void Create_DefaultSet_SpreadsOverTheWholeTestSet()
    {
        var plan = DrawingsSet.Plan(mnist.Data.Test);

        Assert.Equal(DrawingsSet.DefaultCount, plan.Count);
        Assert.Equal(0, plan[0].TestIndex);
        Assert.True(plan[^1].TestIndex >= mnist.Data.Test.Count - 4, $"the last drawing redraws test image {plan[^1].TestIndex}");
    }

    [Fact]
    public void ShippedModel_OnTheDefaultSet_ReadsAsDigitBenchMeasured()
    {
        var set = DrawingsSet.Create(mnist.Data.Test);

        var accuracy = OnnxEvaluator.Accuracy(File.ReadAllBytes(ShippedModel), set);

        // bench/README: 99.08 % on DigitBench's 10,000 drawings; 3,000 of them vary by about 0.2 points.
        Assert.InRange(accuracy, 0.985, 1.0);
    }

    // Filter byte 0 before every row of grey+alpha pixels.
    private static byte[] Scanlines(byte[] greyAlpha)
    {
        var row = CanvasDrawings.Side * 2;
        var scanlines = new byte[(row + 1) * CanvasDrawings.Side];
        for (var y = 0; y < CanvasDrawings.Side; y++)
        {
            greyAlpha.AsSpan(y * row, row).CopyTo(scanlines.AsSpan(y * (row + 1) + 1));
        }
        return scanlines;
    }
}
