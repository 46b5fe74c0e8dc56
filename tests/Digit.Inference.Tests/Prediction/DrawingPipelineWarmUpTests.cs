using Digit.Inference.Drawing;
using Digit.Inference.Prediction;
using Microsoft.Extensions.Logging.Abstractions;

namespace Digit.Inference.Tests.Prediction;

/// <summary>The warm-up that spares a new instance's first drawing the decoder's loading.</summary>
public sealed class DrawingPipelineWarmUpTests
{
    [Fact]
    public void Drawing_BuiltIn_IsAStrokeTheFrontendCouldSend()
    {
        var image = DrawingPreprocessor.Preprocess(DrawingDecoder.Decode(DrawingPipelineWarmUp.Drawing));

        Assert.Equal(28 * 28, image.Length);
        Assert.InRange(image.Count(value => value > 0.5f), 20, 400);
    }

    [Fact]
    public async Task Start_RunsTheBuiltInDrawingThroughDecodeAndPreprocess()
    {
        using var warmUp = new DrawingPipelineWarmUp(NullLogger<DrawingPipelineWarmUp>.Instance);

        await warmUp.StartAsync(CancellationToken.None);
        await (warmUp.ExecuteTask ?? Task.CompletedTask);

        Assert.True(warmUp.Succeeded);
    }
}
