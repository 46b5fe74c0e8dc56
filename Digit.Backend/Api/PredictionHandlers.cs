using Digit.Inference.Prediction;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Digit.Backend.Api;

/// <summary>Handlers of the prediction routes: health, drawing and model accuracy.</summary>
public static class PredictionHandlers
{
    /// <summary>The largest request body accepted by POST /api/drawing/ (1 MiB).</summary>
    public const int MaxBodyBytes = 1 << 20;

    /// <summary>Always healthy while the process answers; says whether a model is served.</summary>
    public static IResult GetHealth(ModelProvider models)
    {
        var current = models.Current;
        return Results.Ok(new HealthResponse("healthy", current is not null, current?.Version.Version));
    }

    /// <summary>
    /// The frontend asks right after a run completes, so catch up with the store first: the answer is the
    /// accuracy of the model this instance serves from now on, not of the one it served a moment ago.
    /// </summary>
    public static async Task<IResult> GetModelAccuracy(ModelProvider models, ModelWatcher watcher, CancellationToken cancellationToken)
    {
        await watcher.TryRefreshAsync(cancellationToken);
        var served = models.Current?.Version;
        return Results.Ok(new AccuracyResponse(served?.Accuracy, served?.DrawingsAccuracy));
    }

    /// <summary>
    /// Recognises the drawing of a JSON body <c>{"drawing": "data:image/png;base64,..."}</c>. A large body or image
    /// waits for its turn (<see cref="DecodeTurns"/>) once it has been read.
    /// </summary>
    public static Task<IResult> PostDrawing(
        HttpRequest request, DrawingRecognizer recognizer, DecodeTurns turns, ILoggerFactory loggers, CancellationToken cancellationToken) =>
        DrawingBodies.HandleAsync(
            request, recognizer, turns, loggers,
            (drawing, _) => drawing,
            async (drawing, claim) =>
            {
                var prediction = await recognizer.RecognizeAsync(drawing, claim, cancellationToken);
                return Results.Ok(new PredictionResponse(prediction.Digit, prediction.Confidence, prediction.Probabilities));
            },
            cancellationToken);
}
