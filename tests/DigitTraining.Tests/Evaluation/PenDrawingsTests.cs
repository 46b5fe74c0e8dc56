using Digit.Inference.Drawing;
using Digit.Inference.Prediction;
using Digit.Testing;
using Digit.Testing.Hosts;
using Digit.Training.Tests.TestSupport;
using Xunit.Abstractions;

namespace Digit.Training.Tests.Evaluation;

/// <summary>The pen drawings the learning-loop tests send: a style the shipped model misreads, and ordinary digits it reads.</summary>
[Collection(MnistCollection.Name)]
public sealed class PenDrawingsTests(MnistFixture mnist, ITestOutputHelper output)
{
    [Fact]
    public void SlashedZeros_TheShippedModelMisreadsMany_WhileItReadsOrdinaryDrawings()
    {
        using var model = new DigitPredictor(File.ReadAllBytes(DigitHost.ShippedModel));
        var random = new Random(20261207);

        var zeros = Enumerable.Range(0, 200).Select(_ => PenDrawings.DataUrl(PenDrawings.SlashedZero(random))).ToArray();
        var ordinary = Enumerable.Range(0, 200).Select(i => (Url: PenDrawings.CentredDataUrl(mnist.Data.Test, i * 37), Label: mnist.Data.Test.Labels[i * 37])).ToArray();
        var zerosRead = zeros.Select(url => Read(model, url)).ToArray();
        var ordinaryRight = ordinary.Count(drawing => Read(model, drawing.Url) == drawing.Label);

        output.WriteLine($"slashed zeros read as: {string.Join(", ", zerosRead.GroupBy(d => d).OrderByDescending(g => g.Count()).Select(g => $"{g.Key}×{g.Count()}"))}");
        output.WriteLine($"ordinary drawings read right: {ordinaryRight} of {ordinary.Length}");
        Assert.True(zerosRead.Count(digit => digit == 0) < 150, "the shipped model reads most slashed zeros right; the style teaches nothing");
        Assert.True(ordinaryRight >= 197, $"the shipped model reads only {ordinaryRight} of 200 ordinary drawings");
    }

    [Fact]
    public void SlashedZero_SameSeed_SameDrawing()
    {
        Assert.Equal(PenDrawings.DataUrl(PenDrawings.SlashedZero(new Random(5))), PenDrawings.DataUrl(PenDrawings.SlashedZero(new Random(5))));
        Assert.NotEqual(PenDrawings.DataUrl(PenDrawings.SlashedZero(new Random(5))), PenDrawings.DataUrl(PenDrawings.SlashedZero(new Random(6))));
    }

    private static int Read(DigitPredictor model, string dataUrl) =>
        model.Predict(DrawingPreprocessor.Preprocess(DrawingDecoder.Decode(dataUrl))).Digit;
}
