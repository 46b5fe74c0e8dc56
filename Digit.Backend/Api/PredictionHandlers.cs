using System.Text.Json;
using Digit.Inference.Drawing;
using Digit.Inference.Prediction;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
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
    public static async Task<IResult> PostDrawing(
        HttpRequest request, DrawingRecognizer recognizer, DecodeTurns turns, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        using var claim = turns.NewClaim();
        try
        {
            string drawing;
            using (var body = await ReadBodyAsync(request, cancellationToken))
            {
                if (body.Length > DecodeTurns.LargeBodyBytes)
                {
                    await claim.TakeAsync(cancellationToken);
                }
                drawing = ParseDrawing(body.Memory);
            }
            var prediction = await recognizer.RecognizeAsync(drawing, claim, cancellationToken);
            return Results.Ok(new PredictionResponse(prediction.Digit, prediction.Confidence, prediction.Probabilities));
        }
        catch (DrawingException exception)
        {
            recognizer.Failed(JsonNamingPolicy.SnakeCaseLower.ConvertName(exception.Kind.ToString()));
            return ApiProblems.Create(exception.Error.Status, exception.Error.Message, exception.Error.Detail);
        }
        catch (NoModelException exception)
        {
            recognizer.Failed("no_model");
            return ApiProblems.Create(StatusCodes.Status503ServiceUnavailable, "Model missing", exception.Message);
        }
        catch (UnreadableBodyException exception)
        {
            // A bad request, not a fault: one line, no stack trace.
            loggers.CreateLogger(typeof(PredictionHandlers).FullName!).LogInformation(
                "Refused the body of {Method} {Path} from {Client}: {Reason} ({Status})",
                request.Method, request.Path, request.HttpContext.Connection.RemoteIpAddress, exception.Message, exception.Status);
            return ApiProblems.Create(
                exception.Status,
                ReasonPhrases.GetReasonPhrase(exception.Status),
                $"The request body could not be read: {exception.Message}");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away, while its body was read or while it waited for a turn: nobody reads an answer.
            return Results.Empty;
        }
    }

    /// <summary>Reads at most <see cref="MaxBodyBytes"/> of the body.</summary>
    private static async Task<PooledBody> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBodyBytes)
        {
            throw TooLarge(request.ContentLength.Value);
        }
        try
        {
            return await PooledBody.ReadAsync(request, MaxBodyBytes, TooLarge, cancellationToken);
        }
        catch (BadHttpRequestException exception)
        {
            throw new UnreadableBodyException(exception.StatusCode, exception.Message, exception);
        }
        catch (IOException exception)
        {
            // Kestrel reports a chunk size that overflows 64 bits as an IOException, not a BadHttpRequestException;
            // a connection the client reset is one too, and nobody reads that answer.
            throw new UnreadableBodyException(StatusCodes.Status400BadRequest, exception.Message, exception);
        }
    }

    private static string ParseDrawing(ReadOnlyMemory<byte> json)
    {
        if (json.IsEmpty)
        {
            throw NotJson("The body is empty; send {\"drawing\": \"data:image/png;base64,...\"}.");
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException exception)
        {
            throw NotJson($"The body is not valid JSON: {exception.Message}");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw NotJson($"The body must be a JSON object like {{\"drawing\": \"data:image/png;base64,...\"}}; it is a JSON {root.ValueKind.ToString().ToLowerInvariant()}.");
            }
            JsonElement drawing;
            try
            {
                if (!root.TryGetProperty("drawing", out drawing))
                {
                    throw new DrawingException(DrawingErrorKind.MissingDrawing, "The JSON object has no \"drawing\" member.");
                }
            }
            catch (InvalidOperationException)
            {
                // Looking for "drawing" unescapes member names that hold escapes; an escaped surrogate without its pair
                // has no UTF-8 form.
                throw NotJson("A member name holds an unpaired surrogate escape (\\uD800-\\uDFFF), which is not text.");
            }
            if (drawing.ValueKind != JsonValueKind.String)
            {
                throw new DrawingException(DrawingErrorKind.MissingDrawing, $"\"drawing\" must be a string (a data URL or base64); it is a {drawing.ValueKind.ToString().ToLowerInvariant()}.");
            }
            try
            {
                return drawing.GetString()!;
            }
            catch (InvalidOperationException)
            {
                // Invalid UTF-8 inside the string, or an escaped surrogate without its pair: no text, so no base64.
                throw new DrawingException(DrawingErrorKind.BadBase64, "\"drawing\" holds invalid UTF-8 or an unpaired surrogate escape, so it is not base64 text.");
            }
        }
    }

    private static DrawingException NotJson(string detail) => new(DrawingErrorKind.NotJson, detail);

    private static DrawingException TooLarge(long bytes) =>
        new(DrawingErrorKind.TooLarge, $"The request body is {bytes:N0} bytes or more; the limit is {MaxBodyBytes:N0} bytes.");
}
