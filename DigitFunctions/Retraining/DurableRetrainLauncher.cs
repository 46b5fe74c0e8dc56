using Digit.Service.Retraining;
using DurableTask.Core.Exceptions;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace Digit.Functions.Retraining;

/// <summary>
/// Starts and signals retrain runs as one Durable orchestration instance with a fixed id: training is a
/// singleton across every instance of the app. Made per invocation around the client Functions binds.
/// </summary>
public sealed class DurableRetrainLauncher(DurableTaskClient client) : IRetrainLauncher
{
    /// <summary>The one orchestration instance id of training (also the run id in the shared state).</summary>
    public const string InstanceId = "digit-retrain";

    /// <summary>The external event that tells the orchestration a stop was requested.</summary>
    public const string StopEvent = "StopTraining";

    /// <summary>How long a start waits for a previous instance that is just finishing (its status is already final).</summary>
    public static readonly TimeSpan FinishingGrace = TimeSpan.FromSeconds(5);

    public string NewRunId() => InstanceId;

    public async Task<RetrainLaunch> LaunchAsync(RetrainInput input, HttpRequest request, CancellationToken cancellationToken)
    {
        var existing = await client.GetInstanceAsync(input.RunId, cancellationToken);
        if (existing is not null && IsActive(existing.RuntimeStatus) && !await HasFinishedAsync(input.RunId, cancellationToken))
        {
            throw new RetrainAlreadyRunningException(input.RunId);
        }
        // Built before scheduling: it cannot fail once the run is on its way.
        var payload = client.CreateHttpManagementPayload(input.RunId);
        var statusUri = payload.StatusQueryGetUri
            ?? throw new InvalidOperationException($"The Durable client gave no status URL for instance {input.RunId}.");
        try
        {
            await client.ScheduleNewOrchestrationInstanceAsync(nameof(RetrainOrchestrator), input, StartOptions(input.RunId), cancellationToken);
        }
        catch (OrchestrationAlreadyExistsException)
        {
            // Another instance of the app started it between the look-up and here.
            throw new RetrainAlreadyRunningException(input.RunId);
        }
        return new RetrainLaunch(input.RunId, statusUri, ManagementUrls(payload));
    }

    public Task SignalStopAsync(string runId, CancellationToken cancellationToken) =>
        client.RaiseEventAsync(runId, StopEvent, cancellation: cancellationToken);

    /// <summary>Start options that refuse (instead of replacing) an instance of the same id that has not ended.</summary>
    public static StartOrchestrationOptions StartOptions(string instanceId) =>
        new StartOrchestrationOptions(instanceId).WithDedupeStatuses(
            OrchestrationRuntimeStatus.Pending,
            OrchestrationRuntimeStatus.Running,
            OrchestrationRuntimeStatus.Suspended);

    private static bool IsActive(OrchestrationRuntimeStatus status) =>
        status is OrchestrationRuntimeStatus.Pending or OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Suspended;

    /// <summary>
    /// The shared state already says no run is active, so an instance still running is usually between its
    /// FinishRun activity and its own completion: give it a moment.
    /// </summary>
    private async Task<bool> HasFinishedAsync(string instanceId, CancellationToken cancellationToken)
    {
        using var grace = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        grace.CancelAfter(FinishingGrace);
        try
        {
            await client.WaitForInstanceCompletionAsync(instanceId, cancellation: grace.Token);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
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
