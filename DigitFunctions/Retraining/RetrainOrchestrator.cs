using Digit.Backend.Retraining;
using Digit.Backend.Runs;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;

namespace Digit.Functions.Retraining;

/// <summary>
/// A retrain run as a Durable orchestration whose instance id is the run's id: the shared
/// <see cref="RetrainWorkflow"/> over <see cref="DurableRetrainSteps"/>. It only coordinates (it is replayed):
/// epochs as activities, the stop event, the custom status, then publish and finish. All I/O happens in
/// <see cref="RetrainActivities"/>.
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
    public static Task<RunOutcome> RunAsync(TaskOrchestrationContext context, TaskOptions activities)
    {
        var input = context.GetInput<RetrainInput>()
            ?? throw new InvalidOperationException($"{nameof(RetrainOrchestrator)} was started without a {nameof(RetrainInput)}.");
        // An orchestration is never cancelled: a stop arrives as the event.
        return RetrainWorkflow.RunAsync(input, new DurableRetrainSteps(context, activities), CancellationToken.None);
    }
}
