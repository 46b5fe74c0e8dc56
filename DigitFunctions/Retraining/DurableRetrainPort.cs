using Digit.Service.Retraining;
using Microsoft.DurableTask;

namespace Digit.Functions.Retraining;

/// <summary>
/// The workflow's port as a Durable orchestration: steps are activities (retried by <paramref name="activityOptions"/>),
/// the stop signal is an external event, and progress is the custom status. No I/O of its own: it is replayed.
/// </summary>
internal sealed class DurableRetrainPort(TaskOrchestrationContext context, TaskOptions activityOptions) : IRetrainPort
{
    public Task<EpochOutcome> RunEpochAsync(EpochRequest request) =>
        CallAsync<EpochOutcome>(nameof(RetrainActivities.TrainEpoch), request);

    public Task WaitForStopAsync() => context.WaitForExternalEvent<object?>(DurableRetrainLauncher.StopEvent);

    public Task<PublishOutcome> PublishAsync(PublishRequest request) =>
        CallAsync<PublishOutcome>(nameof(RetrainActivities.PublishModel), request);

    public Task FinishAsync(RetrainResult result) => CallAsync<object?>(nameof(RetrainActivities.FinishRun), result);

    public void SetCustomStatus(RetrainCustomStatus status) => context.SetCustomStatus(status);

    private async Task<T> CallAsync<T>(string activity, object input)
    {
        try
        {
            return await context.CallActivityAsync<T>(activity, input, activityOptions);
        }
        catch (TaskFailedException failure)
        {
            throw new RetrainActivityException(failure);
        }
    }
}
