using Digit.Backend.Runs;

namespace Digit.Backend.Retraining;

/// <summary>The ways a run ends, with the sentence each shows the user; both hosts' run loops use them.</summary>
public static class RunOutcomes
{
    /// <summary>The run published its model.</summary>
    public static RunOutcome Completed(string runId, PublishOutcome published) => new(
        runId,
        TrainingStatus.Completed,
        published.Served ? $"Published model {published.Version}." : $"Stored model {published.Version} but kept the served model: {published.KeptReason}",
        published.Accuracy,
        published.Version)
    {
        DrawingsAccuracy = published.DrawingsAccuracy,
        Corrections = published.Corrections,
        Served = published.Served,
    };

    /// <summary>A step ended early during epoch <paramref name="epoch"/> (0 for publishing).</summary>
    public static RunOutcome Ended(string runId, StepEnd end, int epoch, int epochs) => new(
        runId,
        TrainingStatus.Interrupted,
        end == StepEnd.LostRun
            ? "The run was ended elsewhere (no heartbeat for a whole lease, or the run store forgot it); nothing was published."
            : epoch == 0
                ? "Stopped while publishing; the served model was kept."
                : $"Stopped during epoch {epoch} of {epochs}; the served model was kept.");

    /// <summary>A step failed.</summary>
    public static RunOutcome Failed(string runId, string message) => new(runId, TrainingStatus.Error, message);

    /// <summary>The run's end as the run store records it.</summary>
    public static RunEnd ToRunEnd(this RunOutcome outcome) => new(outcome.Status, outcome.Message, outcome.Accuracy, outcome.ModelVersion)
    {
        Published = outcome.Served is { } served ? new PublishedModel(outcome.DrawingsAccuracy, outcome.Corrections ?? 0, served) : null,
    };

    /// <summary>The outcome of a run as the run store recorded its end.</summary>
    public static RunOutcome FromRun(TrainingRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return new RunOutcome(run.RunId, run.Status, run.Message, run.Accuracy, run.ModelVersion)
        {
            DrawingsAccuracy = run.Published?.DrawingsAccuracy,
            Corrections = run.Published?.Corrections,
            Served = run.Published?.Served,
        };
    }
}
