namespace Digit.Backend.Runs;

/// <summary>
/// The one source of truth about training runs, shared by every process: which run is active (at most one),
/// each run's record, its progress, its stop flag and its lease. Every transition is atomic in the store, and
/// every write a run's worker makes is fenced by the run's id: it only lands while that run is the active one.
/// </summary>
/// <remarks>
/// Implementations throw <see cref="RunStoreUnavailableException"/> when the store cannot be reached, so callers
/// can tell an outage from an answer.
/// </remarks>
public interface IRunStore
{
    /// <summary>
    /// Makes the run (with a fresh id) the active run if none is: status in_progress, stop flag cleared, a lease of
    /// <paramref name="lease"/> that the run's heartbeats renew. False when another run is active, or the id was used.
    /// </summary>
    Task<bool> TryBeginAsync(RetrainInput run, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>The active run's id, or null.</summary>
    Task<string?> GetActiveRunIdAsync(CancellationToken cancellationToken);

    /// <summary>The status of the latest run (not_started when there was none).</summary>
    Task<TrainingStatus> GetStatusAsync(CancellationToken cancellationToken);

    /// <summary>The active run's progress, or null when no run is active.</summary>
    Task<TrainingProgress?> GetProgressAsync(CancellationToken cancellationToken);

    /// <summary>The latest run (active or finished), or null when there was none.</summary>
    Task<TrainingRun?> GetLatestRunAsync(CancellationToken cancellationToken);

    /// <summary>A run by id (active or finished), or null when unknown.</summary>
    Task<TrainingRun?> GetRunAsync(string runId, CancellationToken cancellationToken);

    /// <summary>
    /// The worker's sign of life, fenced by <paramref name="runId"/>: while the run is active it renews the lease,
    /// records <paramref name="progress"/> (when given) and answers whether a stop was requested; otherwise it
    /// changes nothing and answers <see cref="RunSignal.NotOwner"/>.
    /// </summary>
    Task<RunSignal> HeartbeatAsync(string runId, TrainingProgress? progress, CancellationToken cancellationToken);

    /// <summary>Raises the stop flag of the active run. Returns its id, or null when no run is active.</summary>
    Task<string?> RequestStopAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Ends <paramref name="runId"/> with a final status if it is still the active run, freeing the single-run slot.
    /// False when it was not active (already ended): nothing is written.
    /// </summary>
    Task<bool> FinishAsync(string runId, RunEnd end, CancellationToken cancellationToken);

    /// <summary>
    /// If the active run's lease has run out (no heartbeat for a whole lease), ends it as interrupted with
    /// <paramref name="message"/> and returns its id; null otherwise. Check and change are one atomic step.
    /// </summary>
    Task<string?> RecoverAbandonedRunAsync(string message, CancellationToken cancellationToken);
}

/// <summary>The run store cannot be reached now (Redis is down or slow); the caller may retry shortly.</summary>
public sealed class RunStoreUnavailableException(string message, Exception? innerException = null)
    : Exception(message, innerException);
