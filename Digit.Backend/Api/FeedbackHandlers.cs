using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Azure;
using Digit.Backend.Corrections;
using Digit.Backend.Hosting;
using Digit.Inference.Corrections;
using Digit.Inference.Prediction;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Digit.Backend.Api;

/// <summary>POST /api/feedback/ : a drawing, as for /api/drawing/, and the digit it really shows.</summary>
public sealed record FeedbackRequest(
    [property: JsonPropertyName("drawing")] string Drawing,
    [property: JsonPropertyName("label")] int Label);

/// <summary>POST /api/feedback/ : the correction's id (the same for the same drawing) and whether it is held out.</summary>
public sealed record FeedbackResponse(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("held_out")] bool HeldOut);

/// <summary>GET /api/feedback/count/ : corrections stored, those training may use and those held out.</summary>
public sealed record FeedbackCountResponse(
    [property: JsonPropertyName("total")] int Total,
    [property: JsonPropertyName("training")] int Training,
    [property: JsonPropertyName("held_out")] int HeldOut);

/// <summary>GET /api/feedback/ : the counts, the cap, the corrections per label and how each model version did on them.</summary>
public sealed record FeedbackSummaryResponse(
    [property: JsonPropertyName("total")] int Total,
    [property: JsonPropertyName("training")] int Training,
    [property: JsonPropertyName("held_out")] int HeldOut,
    [property: JsonPropertyName("max")] int Max,
    [property: JsonPropertyName("labels")] IReadOnlyDictionary<string, int> Labels,
    [property: JsonPropertyName("models")] IReadOnlyList<ModelScore> Models);

/// <summary>
/// How one model version did on the corrections sent while it was served: <see cref="Right"/> when it predicted the
/// label people gave, <see cref="Wrong"/> otherwise.
/// </summary>
public sealed record ModelScore(
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("right")] int Right,
    [property: JsonPropertyName("wrong")] int Wrong);

/// <summary>
/// Handlers of the correction routes: people send the true digit of a drawing (public, rate-limited, capped); the
/// built-in page shows how many are waiting; an admin sees the summary and deletes corrections.
/// </summary>
public static class FeedbackHandlers
{
    /// <summary>
    /// Stores the image the network saw with its true label, the time, the served model's version and its prediction.
    /// 201 for a new drawing, 200 (same id, new label kept) for one stored already; 400 for a bad label or drawing,
    /// 403 from a foreign page, 409 when the store is full, 429 past the client's rate, 503 without a model.
    /// </summary>
    public static async Task<IResult> PostFeedback(
        HttpRequest request,
        DrawingRecognizer recognizer,
        DecodeTurns turns,
        CorrectionIntake intake,
        FeedbackRateLimiter limiter,
        IOptions<FrontendOptions> frontend,
        TimeProvider time,
        ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        if (ForeignOrigins.Refuse(request, frontend.Value) is { } refused)
        {
            return refused;
        }
        if (limiter.TryAcquire(request) is { } retryAfter)
        {
            return ApiProblems.TooManyRequests(
                $"This client sent corrections faster than the server takes them; try again in {Math.Ceiling(retryAfter.TotalSeconds):0} s.",
                retryAfter);
        }
        return await DrawingBodies.HandleAsync(
            request, recognizer, turns, loggers,
            ReadLabel,
            async (body, claim) =>
            {
                if (body.LabelProblem is { } problem)
                {
                    return ApiProblems.Create(StatusCodes.Status400BadRequest, "Bad label", problem);
                }
                var recognition = await recognizer.ReadAsync(body.Drawing, claim, cancellationToken);
                var correction = CorrectionIds.Create(
                    CorrectionIds.ToPixels(recognition.Image), body.Label, time.GetUtcNow(), recognition.ModelVersion, recognition.Prediction.Digit);
                return await StoreAsync(intake, correction, loggers, cancellationToken);
            },
            cancellationToken);
    }

    /// <summary>How many corrections are stored, and how they split between training and held out.</summary>
    public static async Task<IResult> GetCount(ICorrectionStore store, CancellationToken cancellationToken) =>
        await WhenStoreAnswersAsync(async () =>
        {
            var ids = await store.ListIdsAsync(cancellationToken);
            var heldOut = ids.Count(CorrectionIds.IsHeldOut);
            return Results.Ok(new FeedbackCountResponse(ids.Count, ids.Count - heldOut, heldOut));
        });

    /// <summary>The admin's view: counts, the cap, corrections per label and right/wrong per model version.</summary>
    public static async Task<IResult> GetSummary(ICorrectionStore store, CorrectionIntake intake, CancellationToken cancellationToken) =>
        await WhenStoreAnswersAsync(async () =>
        {
            var corrections = await store.ListAsync(cancellationToken);
            var heldOut = corrections.Count(correction => correction.HeldOut);
            var labels = Enumerable.Range(0, 10).ToDictionary(
                digit => digit.ToString(CultureInfo.InvariantCulture),
                digit => corrections.Count(correction => correction.Label == digit));
            var models = corrections
                .Where(correction => correction.ModelVersion is not null && correction.Predicted is not null)
                .GroupBy(correction => correction.ModelVersion!, StringComparer.Ordinal)
                .OrderBy(group => group.Key, StringComparer.Ordinal)
                .Select(group =>
                {
                    var right = group.Count(correction => correction.Predicted == correction.Label);
                    return new ModelScore(group.Key, right, group.Count() - right);
                })
                .ToArray();
            return Results.Ok(new FeedbackSummaryResponse(corrections.Count, corrections.Count - heldOut, heldOut, intake.MaxCorrections, labels, models));
        });

    /// <summary>Deletes one correction: 204, 404 when there is none with that id, 400 for a malformed id.</summary>
    public static async Task<IResult> DeleteCorrection(string id, ICorrectionStore store, CancellationToken cancellationToken)
    {
        if (!CorrectionIds.IsValid(id))
        {
            return ApiProblems.Create(
                StatusCodes.Status400BadRequest, "Malformed id", $"A correction id is {CorrectionIds.Length} lowercase hex characters, as POST /api/feedback/ answers it.");
        }
        return await WhenStoreAnswersAsync(async () => await store.DeleteAsync(id, cancellationToken)
            ? Results.NoContent()
            : ApiProblems.Create(StatusCodes.Status404NotFound, "Unknown correction", $"No correction has the id '{id}'."));
    }

    private static async Task<IResult> StoreAsync(CorrectionIntake intake, Correction correction, ILoggerFactory loggers, CancellationToken cancellationToken) =>
        await WhenStoreAnswersAsync(async () =>
        {
            var result = await intake.TakeAsync(correction, cancellationToken);
            if (result.Outcome == IntakeOutcome.Full)
            {
                return ApiProblems.Create(
                    StatusCodes.Status409Conflict,
                    "Corrections store full",
                    $"The store holds {result.StoredCount:N0} corrections, its cap (FEEDBACK_MAX) is {intake.MaxCorrections:N0}, and stored corrections are never dropped to make room. " +
                    "An admin makes room by deleting corrections (DELETE /api/feedback/{id}) or raises FEEDBACK_MAX; a drawing stored already can still be relabelled.");
            }
            var stored = result.Stored!;
            loggers.CreateLogger(typeof(FeedbackHandlers).FullName!).LogInformation(
                "Correction {Id} ({Outcome}): label {Label}, model {ModelVersion} read {Predicted}, held out {HeldOut}",
                stored.Id, result.Outcome, stored.Label, correction.ModelVersion, correction.Predicted, stored.HeldOut);
            return Results.Json(
                new FeedbackResponse(stored.Id, stored.HeldOut),
                statusCode: result.Outcome == IntakeOutcome.Created ? StatusCodes.Status201Created : StatusCodes.Status200OK);
        });

    /// <summary>The body's <c>label</c>: a whole number 0-9 (7.0, "7" and 10 are not), else the reason it is not.</summary>
    private static LabelledDrawing ReadLabel(string drawing, JsonElement body)
    {
        if (!body.TryGetProperty("label", out var label))
        {
            return new LabelledDrawing(drawing, -1, "The JSON object has no \"label\" member; send the digit the drawing shows, 0-9.");
        }
        if (label.ValueKind == JsonValueKind.Number && label.TryGetInt32(out var digit) && digit is >= 0 and <= 9)
        {
            return new LabelledDrawing(drawing, digit, null);
        }
        var shown = label.ValueKind == JsonValueKind.String ? "a string" : label.GetRawText() is { Length: <= 40 } raw ? raw : $"a JSON {label.ValueKind.ToString().ToLowerInvariant()}";
        return new LabelledDrawing(drawing, -1, $"\"label\" must be a whole number from 0 to 9 (the digit the drawing shows); it is {shown}.");
    }

    /// <summary>The answer, or 503 with Retry-After when the corrections store (a Blob container, a folder) cannot be reached.</summary>
    private static async Task<IResult> WhenStoreAnswersAsync(Func<Task<IResult>> handle)
    {
        try
        {
            return await handle();
        }
        catch (Exception exception) when (exception is RequestFailedException or IOException or UnauthorizedAccessException)
        {
            // Storage's own messages carry its request headers; its status and code say enough.
            var reason = exception is RequestFailedException failed ? $"storage answered {failed.Status} {failed.ErrorCode}" : exception.Message;
            return ApiProblems.Unavailable("Corrections unavailable", $"The corrections store cannot be reached now ({reason}); try again shortly.");
        }
    }

    private sealed record LabelledDrawing(string Drawing, int Label, string? LabelProblem);
}
