using Digit.Inference.Drawing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Digit.Inference.Prediction;

/// <summary>
/// Decodes and preprocesses one small built-in drawing in the background as the app starts, so that the first person
/// to draw on a new instance does not wait while the image decoder's native library loads and the pipeline compiles.
/// Start-up does not wait for it, and it counts no prediction.
/// </summary>
public sealed class DrawingPipelineWarmUp(ILogger<DrawingPipelineWarmUp> logger) : BackgroundService
{
    /// <summary>A 28x28 white stroke on black, as the frontend sends a drawing.</summary>
    internal const string Drawing =
        "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAABwAAAAcCAYAAAByDd+UAAAALklEQVR4nO3NsQkAQAgEweu/aT83Fh9hFjaeJKnlgZ/BHhAIBAKBQOBFcGDg7A+poPwuI6AcCgAAAABJRU5ErkJggg==";

    /// <summary>Whether the built-in drawing went through the pipeline; null while it has not finished.</summary>
    public bool? Succeeded { get; private set; }

    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.Run(WarmUp, stoppingToken);

    /// <summary>Runs the built-in drawing through decode and preprocess; a failure is logged, never thrown.</summary>
    private void WarmUp()
    {
        try
        {
            using var image = DrawingDecoder.Inspect(DrawingPayload.ToBytes(Drawing));
            DrawingPreprocessor.Preprocess(DrawingDecoder.Decode(image));
            Succeeded = true;
        }
        catch (Exception exception)
        {
            // Requests then find the same problem, with their own answer; the warm-up only reports it early.
            Succeeded = false;
            logger.LogWarning(exception, "The drawing pipeline could not be warmed up: the first drawing pays for loading it");
        }
    }
}
