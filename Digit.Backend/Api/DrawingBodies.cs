using System.Text.Json;
using Digit.Inference.Drawing;
using Digit.Inference.Prediction;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;

namespace Digit.Backend.Api;

/// <summary>
/// What every route that takes a drawing shares (POST /api/drawing/ and POST /api/feedback/): the body read whole
/// up to <see cref="PredictionHandlers.MaxBodyBytes"/>, a decode turn for a large one, the JSON object and its
/// <c>drawing</c> member, and one ProblemDetails answer for each way they can be wrong.
/// </summary>
internal static class DrawingBodies
{
    /// <summary>
    /// Reads and parses the body, gives the drawing and the JSON object to <paramref name="read"/> (which may take
    /// more members from it while it is parsed), then answers with <paramref name="answer"/>. A bad body, drawing or
    /// image (<see cref="DrawingException"/>), no served model and an unreadable body become their problem answers;
    /// a client that went away gets none.
    /// </summary>
    public static async Task<IResult> HandleAsync<T>(
        HttpRequest request,
        DrawingRecognizer recognizer,
        DecodeTurns turns,
        ILoggerFactory loggers,
        Func<string, JsonElement, T> read,
        Func<T, DecodeTurns.Claim, Task<IResult>> answer,
        CancellationToken cancellationToken)
    {
        using var claim = turns.NewClaim();
        try
        {
            T parsed;
            using (var body = await ReadBodyAsync(request, cancellationToken))
            {
                if (body.Length > DecodeTurns.LargeBodyBytes)
                {
                    await claim.TakeAsync(cancellationToken);
                }
                parsed = Parse(body.Memory, read);
            }
            return await answer(parsed, claim);
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

    /// <summary>Reads at most <see cref="PredictionHandlers.MaxBodyBytes"/> of the body.</summary>
    private static async Task<PooledBody> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > PredictionHandlers.MaxBodyBytes)
        {
            throw TooLarge(request.ContentLength.Value);
        }
        try
        {
            return await PooledBody.ReadAsync(request, PredictionHandlers.MaxBodyBytes, TooLarge, cancellationToken);
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

    private static T Parse<T>(ReadOnlyMemory<byte> json, Func<string, JsonElement, T> read)
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
                throw UnpairedSurrogateName();
            }
            if (drawing.ValueKind != JsonValueKind.String)
            {
                throw new DrawingException(DrawingErrorKind.MissingDrawing, $"\"drawing\" must be a string (a data URL or base64); it is a {drawing.ValueKind.ToString().ToLowerInvariant()}.");
            }
            string text;
            try
            {
                text = drawing.GetString()!;
            }
            catch (InvalidOperationException)
            {
                // Invalid UTF-8 inside the string, or an escaped surrogate without its pair: no text, so no base64.
                throw new DrawingException(DrawingErrorKind.BadBase64, "\"drawing\" holds invalid UTF-8 or an unpaired surrogate escape, so it is not base64 text.");
            }
            try
            {
                return read(text, root);
            }
            catch (InvalidOperationException)
            {
                // Looking up another member can meet the same bad name further on.
                throw UnpairedSurrogateName();
            }
        }
    }

    // Looking for a member unescapes member names that hold escapes; an escaped surrogate without its pair has no UTF-8 form.
    private static DrawingException UnpairedSurrogateName() =>
        NotJson("A member name holds an unpaired surrogate escape (\\uD800-\\uDFFF), which is not text.");

    private static DrawingException NotJson(string detail) => new(DrawingErrorKind.NotJson, detail);

    private static DrawingException TooLarge(long bytes) =>
        new(DrawingErrorKind.TooLarge, $"The request body is {bytes:N0} bytes or more; the limit is {PredictionHandlers.MaxBodyBytes:N0} bytes.");
}
