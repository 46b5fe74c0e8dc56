using Digit.Backend.Runs;

namespace Digit.Backend.Retraining;

/// <summary>What a host says about a run it started: where to query its status, and other management links.</summary>
/// <param name="StatusQueryGetUri">The status URL, or null to use the backend's own <c>/api/runs/{id}/</c>.</param>
/// <param name="ManagementUrls">Further links the host offers (the Durable ones on Azure).</param>
public sealed record RetrainLaunch(string? StatusQueryGetUri, IReadOnlyDictionary<string, string> ManagementUrls);

/// <summary>
/// How a host runs retrain runs: the local server runs the steps in this process, the Azure app schedules a
/// Durable orchestration whose instance id is the run id. The run store, not the executor, decides which run is active.
/// </summary>
public interface IRetrainExecutor
{
    /// <summary>Starts the run, which the run store already holds as the active run.</summary>
    Task<RetrainLaunch> StartAsync(RetrainInput input, CancellationToken cancellationToken);

    /// <summary>Tells the run a stop was requested (the stop flag is already up; this only makes it quicker).</summary>
    Task SignalStopAsync(string runId, CancellationToken cancellationToken);

    /// <summary>
    /// Whether the executor knows the run can no longer end by itself (a Durable instance that was terminated or
    /// failed), so the run store may end it at once instead of waiting for its lease to run out.
    /// </summary>
    Task<bool> HasEndedAsync(string runId, CancellationToken cancellationToken);
}
