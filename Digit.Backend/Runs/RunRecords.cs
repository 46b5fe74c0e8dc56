using System.Text.Json.Serialization;

namespace Digit.Backend.Runs;

/// <summary>
/// What a retrain run is asked to do; <paramref name="RunId"/> is fresh for every run. It is the orchestration's
/// input on Azure and the <c>input</c> of every run's status document. It holds the whole recipe, so that every
/// epoch of a run trains the same way even if the settings change while it runs.
/// </summary>
public sealed record RetrainInput(
    [property: JsonPropertyName("runId")] string RunId,
    [property: JsonPropertyName("epochs")] int Epochs,
    [property: JsonPropertyName("batchSize")] int BatchSize,
    [property: JsonPropertyName("seed")] int Seed,
    [property: JsonPropertyName("recipe")] string Recipe = "fast",
    [property: JsonPropertyName("augment")] bool Augment = false)
{
    /// <summary>
    /// The run trains on the training share of the corrections received up to this instant (null: none), so every
    /// epoch, and a retried one, sees the same corrections however many arrive meanwhile.
    /// </summary>
    [JsonPropertyName("correctionsUntil")]
    public DateTimeOffset? CorrectionsUntil { get; init; }

    /// <summary>How many corrections the run trains on, as counted when it began.</summary>
    [JsonPropertyName("corrections")]
    public int Corrections { get; init; }
}

/// <summary>What a run is doing, as its worker last reported it.</summary>
public static class RunStages
{
    /// <summary>Training epochs.</summary>
    public const string Training = "training";

    /// <summary>Evaluating, exporting and publishing the trained model.</summary>
    public const string Publishing = "publishing";
}

/// <summary>
/// Where an active run is: epochs planned and finished, how far the current epoch is (0..100, restarting each
/// epoch), the last finished epoch's training accuracy (a fraction, null before the first) and the stage.
/// Numbers only: responses format them.
/// </summary>
public sealed record TrainingProgress(
    int MaxEpochs,
    double Percentage,
    int EpochsDone,
    double? LastEpochAccuracy,
    string Stage = RunStages.Training)
{
    /// <summary>The progress of a run that has just begun.</summary>
    public static TrainingProgress Starting(int maxEpochs) => new(maxEpochs, 0, 0, null);
}

/// <summary>How a run ended: its final status, a sentence for the user, and the published model when there is one.</summary>
public sealed record RunEnd(TrainingStatus Status, string? Message, double? Accuracy = null, string? ModelVersion = null)
{
    /// <summary>What a run that got as far as publishing found out about its model.</summary>
    public PublishedModel? Published { get; init; }
}

/// <summary>
/// What a run that published learnt about its model: its accuracy on the seeded synthetic canvas drawings, the
/// corrections it trained on, and whether it is served (false when the publish rule kept the served model).
/// </summary>
public sealed record PublishedModel(double? DrawingsAccuracy, int Corrections, bool Served);

/// <summary>Everything known about one run: enough to answer a Durable-style status query.</summary>
public sealed record TrainingRun(
    RetrainInput Input,
    TrainingStatus Status,
    DateTimeOffset CreatedTime,
    DateTimeOffset LastUpdatedTime,
    TrainingProgress? Progress,
    string? Message,
    double? Accuracy,
    string? ModelVersion)
{
    /// <summary>What the run found out about its model, when it got as far as publishing.</summary>
    public PublishedModel? Published { get; init; }

    /// <summary>The run's id.</summary>
    public string RunId => Input.RunId;

    /// <summary>Epochs planned.</summary>
    public int MaxEpochs => Input.Epochs;
}

/// <summary>What a run's worker learns from its heartbeat.</summary>
public enum RunSignal
{
    /// <summary>The run is still this worker's and nobody asked it to stop.</summary>
    Continue,

    /// <summary>A stop was requested: end at the next batch.</summary>
    StopRequested,

    /// <summary>The run is no longer active (it was ended by the sweeper, or the store forgot it): stop and write nothing.</summary>
    NotOwner,
}
