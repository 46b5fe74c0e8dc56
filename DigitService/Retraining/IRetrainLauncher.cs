using Microsoft.AspNetCore.Http;

namespace Digit.Service.Retraining;

/// <summary>A run the host accepted: its id and where to query its status, Durable-style.</summary>
public sealed record RetrainLaunch(string RunId, string StatusQueryGetUri, IReadOnlyDictionary<string, string>? ManagementUrls = null);

/// <summary>The host already runs a training instance (answered 409, like the shared single-run rule).</summary>
public sealed class RetrainAlreadyRunningException(string runId)
    : Exception($"Training run {runId} is already running.");

/// <summary>
/// How a host starts and signals retrain runs: the local server runs the workflow in this process, the
/// Azure app schedules a Durable orchestration and raises its stop event.
/// </summary>
public interface IRetrainLauncher
{
    /// <summary>The id for a new run (the Azure app uses one fixed id: training is a singleton).</summary>
    string NewRunId();

    /// <summary>Starts the run; the shared state already holds it as the active run.</summary>
    Task<RetrainLaunch> LaunchAsync(RetrainInput input, HttpRequest request, CancellationToken cancellationToken);

    /// <summary>Tells the running workflow that a stop was requested (the stop flag is already up).</summary>
    Task SignalStopAsync(string runId, CancellationToken cancellationToken);
}
