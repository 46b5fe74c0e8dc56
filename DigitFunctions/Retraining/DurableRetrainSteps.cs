using Digit.Backend.Retraining;
using Digit.Backend.Runs;
using Microsoft.DurableTask;

namespace Digit.Functions.Retraining;

/// <summary>
/// The run's steps as the orchestrator sees them: each one an activity with the orchestration's retry options, a
/// stop as the <see cref="RetrainOrchestrator.StopEvent"/> event, and the status as the Durable custom status. Made
/// per replay of the orchestration, so it holds nothing but what the context gives it. Cancellation tokens are not
/// used: an orchestration is never cancelled, a stop is the event (and the running activity sees the Redis flag).
/// </summary>
internal sealed class DurableRetrainSteps(TaskOrchestrationContext context, TaskOptions activities) : IRetrainSteps
{
    // Waited for from the start, so a stop raised at any time is seen before the next step.
    private readonly Task<object?> _stop = context.WaitForExternalEvent<object?>(RetrainOrchestrator.StopEvent);

    public Task<EpochOutcome> TrainEpochAsync(EpochRequest request, CancellationToken cancellationToken) =>
        CallAsync<EpochOutcome>(nameof(RetrainActivities.TrainEpoch), request);

    public Task<PublishOutcome> PublishAsync(PublishRequest request, CancellationToken cancellationToken) =>
        CallAsync<PublishOutcome>(nameof(RetrainActivities.PublishModel), request);

    /// <summary>A finish that fails after its retries fails the orchestration; the next start (seeing that) or the sweeper ends the run.</summary>
    public Task FinishAsync(RunOutcome outcome, CancellationToken cancellationToken) =>
        context.CallActivityAsync(nameof(RetrainActivities.FinishRun), outcome, activities);

    /// <summary>Only the event counts here: the Redis flag is the activities' to read, as orchestrator code does no I/O.</summary>
    public Task<RunSignal> CheckAsync(string runId, CancellationToken cancellationToken) =>
        Task.FromResult(_stop.IsCompleted ? RunSignal.StopRequested : RunSignal.Continue);

    public void ReportStatus(RunCustomStatus status) => context.SetCustomStatus(status);

    private async Task<T> CallAsync<T>(string activity, object request)
    {
        try
        {
            return await context.CallActivityAsync<T>(activity, request, activities);
        }
        catch (TaskFailedException failure)
        {
            // After its retries: the activity's own message tells the user what went wrong.
            throw new RetrainStepFailedException(failure.FailureDetails.ErrorMessage, failure);
        }
    }
}
