using System.Globalization;
using System.Text.Json.Serialization;
using Digit.Backend.Retraining;
using Digit.Backend.Runs;

namespace Digit.Backend.Api;

/// <summary>GET / : always "healthy" while the process answers; says whether a model is served and which.</summary>
public sealed record HealthResponse(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("ready")] bool Ready,
    [property: JsonPropertyName("model_version")] string? ModelVersion);

/// <summary>POST /api/drawing/ : the drawing, a data URL (<c>data:image/png;base64,...</c>) or bare base64.</summary>
public sealed record DrawingRequest([property: JsonPropertyName("drawing")] string Drawing);

/// <summary>
/// POST /api/drawing/ : the digit and its probability in percent, and every digit's probability in percent (0 to 9,
/// additive: the original frontend reads only the first two).
/// </summary>
public sealed record PredictionResponse(
    [property: JsonPropertyName("prediction")] int Prediction,
    [property: JsonPropertyName("confidence")] double Confidence,
    [property: JsonPropertyName("probabilities")] IReadOnlyList<double> Probabilities);

/// <summary>GET /api/model_accuracy/ : the served model's test accuracy as a fraction, or null.</summary>
public sealed record AccuracyResponse(
    [property: JsonPropertyName("accuracy")] double? Accuracy,
    [property: JsonPropertyName("drawings_accuracy")] double? DrawingsAccuracy);

/// <summary>The answers of the training routes that only carry a message.</summary>
public sealed record MessageResponse([property: JsonPropertyName("message")] string Message);

/// <summary>POST /api/retrain_model/ : 202 with the run id and where to query its status.</summary>
public sealed record RetrainStartedResponse(
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("statusQueryGetUri")] string StatusQueryGetUri)
{
    /// <summary>Further management links a host offers (the Durable ones on Azure).</summary>
    [JsonExtensionData]
    public Dictionary<string, object>? ManagementUrls { get; init; }
}

/// <summary>GET /api/check_model_status/ .</summary>
public sealed record ModelStatusResponse([property: JsonPropertyName("model_status")] string ModelStatus);

/// <summary>
/// The contract's progress object. <see cref="Accuracy"/> is the last finished epoch's training accuracy in percent
/// with two decimals ("98.31"), left out before the first epoch ends. <see cref="Stale"/> is only written (true)
/// when the run store cannot be reached and this is the last progress known.
/// </summary>
public sealed record ProgressResponse(
    [property: JsonPropertyName("max_epochs")] int MaxEpochs,
    [property: JsonPropertyName("percentage")] double Percentage,
    [property: JsonPropertyName("epoch")] int Epoch,
    [property: JsonPropertyName("accuracy"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Accuracy,
    [property: JsonPropertyName("stale"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] bool Stale = false)
{
    /// <summary>The contract's shape of <paramref name="progress"/>.</summary>
    public static ProgressResponse From(TrainingProgress progress, bool stale = false) => new(
        progress.MaxEpochs,
        progress.Percentage,
        progress.EpochsDone,
        progress.LastEpochAccuracy is { } accuracy ? (accuracy * 100).ToString("F2", CultureInfo.InvariantCulture) : null,
        stale);
}

/// <summary>The SSE close event: the run ended (or none was running) with this status.</summary>
public sealed record CloseEvent(
    [property: JsonPropertyName("event")] string Event,
    [property: JsonPropertyName("reason")] string Reason)
{
    /// <summary>How the run ended, in plain words (why a finished run's model is not served, for one).</summary>
    [JsonPropertyName("message")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Message { get; init; }
}

/// <summary>
/// A run's status in the shape of a Durable Functions instance status: what the Azure app's
/// <c>statusQueryGetUri</c> answers, and what the local server's <c>/api/runs/{id}/</c> answers.
/// </summary>
public sealed record RunStatusResponse(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("instanceId")] string InstanceId,
    [property: JsonPropertyName("runtimeStatus")] string RuntimeStatus,
    [property: JsonPropertyName("input")] RetrainInput Input,
    [property: JsonPropertyName("customStatus")] RunCustomStatus? CustomStatus,
    [property: JsonPropertyName("output")] RunOutcome? Output,
    [property: JsonPropertyName("createdTime")] DateTimeOffset CreatedTime,
    [property: JsonPropertyName("lastUpdatedTime")] DateTimeOffset LastUpdatedTime)
{
    /// <summary>The orchestration's name on Azure, also shown by the local server.</summary>
    public const string OrchestrationName = "RetrainOrchestrator";

    /// <summary>The status document of a run as the run store knows it.</summary>
    public static RunStatusResponse From(TrainingRun run)
    {
        var finished = run.Status.IsFinal();
        var progress = run.Progress ?? TrainingProgress.Starting(run.MaxEpochs);
        return new RunStatusResponse(
            OrchestrationName,
            run.RunId,
            finished ? "Completed" : "Running",
            run.Input,
            new RunCustomStatus(finished ? run.Status.ToContractName() : progress.Stage, progress.EpochsDone, run.MaxEpochs, progress.LastEpochAccuracy),
            finished ? RunOutcomes.FromRun(run) : null,
            run.CreatedTime,
            run.LastUpdatedTime);
    }
}
