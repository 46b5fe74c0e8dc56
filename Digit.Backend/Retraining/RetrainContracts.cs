using System.Text.Json.Serialization;
using Digit.Backend.Runs;

namespace Digit.Backend.Retraining;

// The small records a run's steps take and return. In the Azure app they are activity inputs and outputs, so
// they hold ids and numbers only: never tensors or model bytes.

/// <summary>Train epoch <paramref name="Epoch"/> (1-based) of run <paramref name="RunId"/>, with the run's recipe.</summary>
public sealed record EpochRequest(
    string RunId, int Epoch, int MaxEpochs, int BatchSize, int Seed, string Recipe = "fast", bool Augment = false,
    DateTimeOffset? CorrectionsUntil = null)
{
    /// <summary>Epoch <paramref name="epoch"/> of <paramref name="run"/>.</summary>
    public static EpochRequest Of(RetrainInput run, int epoch)
    {
        ArgumentNullException.ThrowIfNull(run);
        return new(run.RunId, epoch, run.Epochs, run.BatchSize, run.Seed, run.Recipe, run.Augment, run.CorrectionsUntil);
    }
}

/// <summary>How a step ended.</summary>
public enum StepEnd
{
    /// <summary>It did its work.</summary>
    Done,

    /// <summary>A stop was requested (or the process is shutting down): it ended early and committed nothing.</summary>
    Stopped,

    /// <summary>The run is no longer active (ended elsewhere, or forgotten by the run store): it committed nothing.</summary>
    LostRun,
}

/// <summary>The epoch's end, its training loss and accuracy (fraction) and how long it took.</summary>
public sealed record EpochOutcome(int Epoch, StepEnd End, double Loss, double Accuracy, double Seconds);

/// <summary>
/// Evaluate, export and publish the model trained by run <paramref name="RunId"/>, which trained on the corrections
/// received up to <paramref name="CorrectionsUntil"/>.
/// </summary>
public sealed record PublishRequest(string RunId, int Epochs, DateTimeOffset? CorrectionsUntil = null)
{
    /// <summary>The publish step of <paramref name="run"/>.</summary>
    public static PublishRequest Of(RetrainInput run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return new(run.RunId, run.Epochs, run.CorrectionsUntil);
    }
}

/// <summary>
/// The publish step's end, the stored version with its test accuracy (fraction) when it got that far, and whether it
/// is served; when the publish rule kept the served model, which one and why.
/// </summary>
public sealed record PublishOutcome(StepEnd End, string? Version, double? Accuracy, bool Served = true, string? KeptReason = null)
{
    /// <summary>The new model's accuracy on the seeded synthetic canvas drawings (fraction), when it got that far.</summary>
    public double? DrawingsAccuracy { get; init; }

    /// <summary>Corrections the model was trained on.</summary>
    public int Corrections { get; init; }
}

/// <summary>
/// How a run ended: the run's output on both hosts (the Durable orchestration's output, and <c>output</c> of the
/// local server's <c>/api/runs/{id}/</c>), and what the finish step records.
/// </summary>
public sealed record RunOutcome(
    [property: JsonPropertyName("runId")] string RunId,
    [property: JsonPropertyName("status")] TrainingStatus Status,
    [property: JsonPropertyName("message")] string? Message,
    [property: JsonPropertyName("accuracy")] double? Accuracy = null,
    [property: JsonPropertyName("modelVersion")] string? ModelVersion = null)
{
    /// <summary>The new model's accuracy on the seeded synthetic canvas drawings (fraction), when it was measured.</summary>
    [JsonPropertyName("drawingsAccuracy")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? DrawingsAccuracy { get; init; }

    /// <summary>Corrections the run trained on, when it got as far as publishing.</summary>
    [JsonPropertyName("corrections")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Corrections { get; init; }

    /// <summary>Whether the new model is served; false when the publish rule kept the served one.</summary>
    [JsonPropertyName("served")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? Served { get; init; }
}

/// <summary>Where a run is: the Durable custom status, and <c>customStatus</c> of the local server's <c>/api/runs/{id}/</c>.</summary>
public sealed record RunCustomStatus(
    [property: JsonPropertyName("stage")] string Stage,
    [property: JsonPropertyName("epochsDone")] int EpochsDone,
    [property: JsonPropertyName("maxEpochs")] int MaxEpochs,
    [property: JsonPropertyName("lastEpochAccuracy")] double? LastEpochAccuracy);
