namespace Digit.Service.Training;

/// <summary>
/// The contract's progress object. <see cref="Epoch"/> counts finished epochs; <see cref="Accuracy"/> is the
/// last finished epoch's training accuracy in percent with two decimals ("98.31"), null before the first.
/// </summary>
public sealed record TrainingProgress(int MaxEpochs, double Percentage, int Epoch, string? Accuracy);

/// <summary>Everything known about one run, enough to answer a Durable-style status query.</summary>
public sealed record TrainingRun(
    string RunId,
    TrainingStatus Status,
    int MaxEpochs,
    DateTimeOffset CreatedTime,
    DateTimeOffset LastUpdatedTime,
    TrainingProgress? Progress,
    string? Message,
    double? Accuracy);

/// <summary>
/// Shared state of training runs, visible to every process: at most one active run, its progress, the
/// stop flag and the last run's final status. All transitions are atomic in the store itself.
/// </summary>
public interface ITrainingStateStore
{
    /// <summary>
    /// Starts <paramref name="runId"/> if no run is active: status in_progress, progress {max_epochs},
    /// stop flag cleared, lease taken for <paramref name="leaseOwner"/> for <paramref name="leaseDuration"/>.
    /// False if a run is already active.
    /// </summary>
    /// <remarks>The id of a finished run may be used again (the Azure app uses one fixed id): that run starts afresh.</remarks>
    Task<bool> TryBeginRunAsync(string runId, int maxEpochs, string leaseOwner, TimeSpan leaseDuration, CancellationToken cancellationToken);

    /// <summary>The active run's id, or null.</summary>
    Task<string?> GetActiveRunIdAsync(CancellationToken cancellationToken);

    /// <summary>The status of the latest run (not_started when there was none).</summary>
    Task<TrainingStatus> GetStatusAsync(CancellationToken cancellationToken);

    /// <summary>The active run's progress, or null when no run is active.</summary>
    Task<TrainingProgress?> GetProgressAsync(CancellationToken cancellationToken);

    /// <summary>A run by id (active or finished), or null when unknown.</summary>
    Task<TrainingRun?> GetRunAsync(string runId, CancellationToken cancellationToken);

    /// <summary>
    /// Records progress of the run; ignored when that run is no longer active. Also renews its lease, for the
    /// owner and duration last given to <see cref="TryBeginRunAsync"/> or <see cref="RenewLeaseAsync"/>.
    /// </summary>
    Task SetProgressAsync(string runId, TrainingProgress progress, CancellationToken cancellationToken);

    /// <summary>Raises the stop flag of the active run. Returns its id, or null when no run is active.</summary>
    Task<string?> RequestStopAsync(CancellationToken cancellationToken);

    /// <summary>Whether a stop was requested for this run (still true after it finished, until the next run begins).</summary>
    Task<bool> IsStopRequestedAsync(string runId, CancellationToken cancellationToken);

    /// <summary>Extends the run's lease: the process working on it is alive. Ignored when the run is not active.</summary>
    Task RenewLeaseAsync(string runId, string leaseOwner, TimeSpan leaseDuration, CancellationToken cancellationToken);

    /// <summary>
    /// Ends the run with a final status (and message / accuracy), if it is still the active one; frees the
    /// single-run slot. False if it was not active (already finished).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="finalStatus"/> is not completed, interrupted or error.</exception>
    Task<bool> FinishRunAsync(string runId, TrainingStatus finalStatus, string? message, double? accuracy, CancellationToken cancellationToken);

    /// <summary>
    /// If the active run's lease has expired (its process died), finishes it as interrupted and returns its id;
    /// null otherwise. The check and the change are one atomic step.
    /// </summary>
    Task<string?> RecoverAbandonedRunAsync(CancellationToken cancellationToken);
}
