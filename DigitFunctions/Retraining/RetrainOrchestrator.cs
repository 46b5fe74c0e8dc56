using Digit.Service.Retraining;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;

namespace Digit.Functions.Retraining;

/// <summary>
/// The retrain run as a Durable orchestration: the shared <see cref="RetrainWorkflow"/> (start, epochs, stop,
/// publish, finish) driven through <see cref="DurableRetrainPort"/>.
/// </summary>
public static class RetrainOrchestrator
{
    /// <summary>
    /// Each activity gets three attempts, 5 s then 10 s apart. A retried epoch resumes from the run's last
    /// checkpoint; the waits stay well inside the run's lease.
    /// </summary>
    public static readonly RetryPolicy ActivityRetry = new(maxNumberOfAttempts: 3, firstRetryInterval: TimeSpan.FromSeconds(5), backoffCoefficient: 2);

    [Function(nameof(RetrainOrchestrator))]
    public static Task<RetrainResult> Run([OrchestrationTrigger] TaskOrchestrationContext context) =>
        RunAsync(context, ActivityRetry);

    /// <summary>The orchestration with a given retry policy (tests use short waits).</summary>
    public static Task<RetrainResult> RunAsync(TaskOrchestrationContext context, RetryPolicy activityRetry)
    {
        var input = context.GetInput<RetrainInput>()
            ?? throw new InvalidOperationException($"{nameof(RetrainOrchestrator)} was started without a {nameof(RetrainInput)}.");
        var port = new DurableRetrainPort(context, TaskOptions.FromRetryPolicy(activityRetry));
        return RetrainWorkflow.RunAsync(port, input);
    }
}
