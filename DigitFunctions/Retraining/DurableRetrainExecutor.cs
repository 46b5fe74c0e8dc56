using Digit.Backend.Retraining;
using Digit.Backend.Runs;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;

namespace Digit.Functions.Retraining;

/// <summary>
/// Runs each retrain run as a Durable orchestration whose instance id is the run's id. Made per invocation around
/// the client Functions binds; the run store has already decided that this run may start.
/// </summary>
internal sealed class DurableRetrainExecutor(DurableTaskClient client, ILogger logger) : IRetrainExecutor
{
    public async Task<RetrainLaunch> StartAsync(RetrainInput input, CancellationToken cancellationToken)
    {
        var payload = ManagementPayload(input.RunId);
        await client.ScheduleNewOrchestrationInstanceAsync(
            nameof(RetrainOrchestrator), input, new StartOrchestrationOptions(input.RunId), cancellationToken);
        return payload is null
            ? new RetrainLaunch(null, new Dictionary<string, string>())
            : new RetrainLaunch(payload.StatusQueryGetUri, ManagementUrls(payload));
    }

    /// <summary>Durable's management links, or null from a client that has no HTTP base URL (one not bound by Functions).</summary>
    private HttpManagementPayload? ManagementPayload(string instanceId)
    {
        try
        {
            return client.CreateHttpManagementPayload(instanceId);
        }
        catch (InvalidOperationException exception)
        {
            logger.LogDebug("No Durable management links for run {RunId}: {Reason}", instanceId, exception.Message);
            return null;
        }
    }

    public async Task SignalStopAsync(string runId, CancellationToken cancellationToken)
    {
        try
        {
            await client.RaiseEventAsync(runId, RetrainOrchestrator.StopEvent, cancellation: cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // The stop flag is already up and the running step will see it; the event only spares the next one.
            logger.LogWarning("Run {RunId}: raising the stop event failed: {Reason}", runId, exception.Message);
        }
    }

    public async Task<bool> HasEndedAsync(string runId, CancellationToken cancellationToken)
    {
        var instance = await client.GetInstanceAsync(runId, cancellationToken);
        return instance?.RuntimeStatus is OrchestrationRuntimeStatus.Terminated
            or OrchestrationRuntimeStatus.Failed
            or OrchestrationRuntimeStatus.Completed;
    }

    private static Dictionary<string, string> ManagementUrls(HttpManagementPayload payload)
    {
        var urls = new Dictionary<string, string>();
        Add("sendEventPostUri", payload.SendEventPostUri);
        Add("terminatePostUri", payload.TerminatePostUri);
        Add("purgeHistoryDeleteUri", payload.PurgeHistoryDeleteUri);
        Add("suspendPostUri", payload.SuspendPostUri);
        Add("resumePostUri", payload.ResumePostUri);
        Add("rewindPostUri", payload.RewindPostUri);
        Add("restartPostUri", payload.RestartPostUri);
        return urls;

        void Add(string name, string? url)
        {
            if (!string.IsNullOrEmpty(url))
            {
                urls[name] = url;
            }
        }
    }
}
