using Digit.Backend.Retraining;
using Digit.Backend.Runs;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;

namespace Digit.Functions.Retraining;

/// <summary>
/// A retrain run as a Durable orchestration whose instance id is the run's id. It only coordinates (it is
/// replayed): epochs as activities, the stop event, the custom status, then publish and finish. All I/O happens
/// in <see cref="RetrainActivities"/>.
/// </summary>
public static class RetrainOrchestrator
{
    /// <summary>The external event that tells the orchestration a stop was requested.</summary>
    public const string StopEvent = "StopTraining";

    /// <summary>
    /// Each activity gets three attempts, 5 s then 10 s apart. A retried epoch resumes from the run's last checkpoint.
    /// No heartbeat is sent while a retry waits, so the run's lease must outlast the longest wait (checked at start).
    /// </summary>
    public static readonly RetryPolicy ActivityRetry = new(maxNumberOfAttempts: 3, firstRetryInterval: TimeSpan.FromSeconds(5), backoffCoefficient: 2);

    /// <summary>The longest time between two activities of a run: the last retry's back-off plus the task hub's queue polling (host.json).</summary>
    public static TimeSpan LongestGapBetweenActivities =>
        ActivityRetry.FirstRetryInterval * Math.Pow(ActivityRetry.BackoffCoefficient, ActivityRetry.MaxNumberOfAttempts - 2) + TimeSpan.FromSeconds(2);

    [Function(nameof(RetrainOrchestrator))]
    public static Task<RunOutcome> Run([OrchestrationTrigger] TaskOrchestrationContext context) =>
        RunAsync(context, TaskOptions.FromRetryPolicy(ActivityRetry));

    /// <summary>The orchestration with given activity options (tests use short retry waits).</summary>
    public static async Task<RunOutcome> RunAsync(TaskOrchestrationContext context, TaskOptions activities)
    {
        var input = context.GetInput<RetrainInput>()
            ?? throw new InvalidOperationException($"{nameof(RetrainOrchestrator)} was started without a {nameof(RetrainInput)}.");
        var stop = context.WaitForExternalEvent<object?>(StopEvent);
        var progress = new RunCustomStatus(RunStages.Training, 0, input.Epochs, null);
        context.SetCustomStatus(progress);

        RunOutcome outcome;
        try
        {
            outcome = await TrainAndPublishAsync();
        }
        catch (TaskFailedException failure)
        {
            // After its retries: the activity's own message tells the user what went wrong.
            outcome = RunOutcomes.Failed(input.RunId, failure.FailureDetails.ErrorMessage);
        }
        context.SetCustomStatus(progress with { Stage = outcome.Status.ToContractName() });
        await context.CallActivityAsync(nameof(RetrainActivities.FinishRun), outcome, activities);
        return outcome;

        async Task<RunOutcome> TrainAndPublishAsync()
        {
            for (var epoch = 1; epoch <= input.Epochs; epoch++)
            {
                if (stop.IsCompleted)
                {
                    return RunOutcomes.Ended(input.RunId, StepEnd.Stopped, epoch, input.Epochs);
                }
                var request = EpochRequest.Of(input, epoch);
                var trained = await context.CallActivityAsync<EpochOutcome>(nameof(RetrainActivities.TrainEpoch), request, activities);
                if (trained.End != StepEnd.Done)
                {
                    return RunOutcomes.Ended(input.RunId, trained.End, epoch, input.Epochs);
                }
                progress = progress with { EpochsDone = epoch, LastEpochAccuracy = trained.Accuracy };
                context.SetCustomStatus(progress);
            }
            if (stop.IsCompleted)
            {
                return RunOutcomes.Ended(input.RunId, StepEnd.Stopped, epoch: 0, input.Epochs);
            }
            progress = progress with { Stage = RunStages.Publishing };
            context.SetCustomStatus(progress);
            var published = await context.CallActivityAsync<PublishOutcome>(
                nameof(RetrainActivities.PublishModel), PublishRequest.Of(input), activities);
            return published.End == StepEnd.Done
                ? RunOutcomes.Completed(input.RunId, published)
                : RunOutcomes.Ended(input.RunId, published.End, epoch: 0, input.Epochs);
        }
    }
}
