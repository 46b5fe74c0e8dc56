using Digit.Backend.Hosting;
using Digit.Backend.Runs;
using Digit.Backend.Telemetry;
using Digit.Inference.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;

namespace Digit.Backend.Retraining.Steps;

/// <summary>
/// Records how a run ended (fenced: only while it is still the active run, so a run ended elsewhere keeps the
/// status it was given) and removes its checkpoint, whatever the ending. While the run store cannot be reached it
/// tries again (<see cref="Retries"/>) for as long as the run's lease lasts: after that the sweeper ends the run.
/// </summary>
public sealed class FinishRunStep(
    IModelStore models,
    IRunStore runs,
    IOptions<RunStateOptions> runState,
    [FromKeyedServices(FinishRunStep.Retries)] ResiliencePipeline retries,
    TrainingMetrics metrics,
    TimeProvider time,
    ILogger<FinishRunStep> logger)
{
    /// <summary>The key of the retry pipeline among the app's resilience pipelines.</summary>
    public const string Retries = "finish-run";

    /// <summary>Time between two tries.</summary>
    public static readonly TimeSpan RetryInterval = TimeSpan.FromMilliseconds(500);

    private static readonly ResiliencePropertyKey<DateTimeOffset> GiveUpAt = new("digit.finish-run.give-up-at");

    private static readonly ResiliencePropertyKey<CancellationToken> Shutdown = new("digit.finish-run.shutdown");

    /// <summary>
    /// Ends the run with <paramref name="outcome"/> and drops its checkpoint. The end is always tried once;
    /// <paramref name="cancellationToken"/> only cuts the retries short (a process shutting down): the try after it
    /// is cancelled is the last.
    /// </summary>
    public async Task RunAsync(RunOutcome outcome, CancellationToken cancellationToken)
    {
        var finished = await FinishAsync(outcome, cancellationToken);
        await models.DeleteCheckpointAsync(outcome.RunId, CancellationToken.None);
        if (finished)
        {
            metrics.RunEnded(outcome.Status);
            logger.LogInformation("Run {RunId} finished {Status}: {Message}", outcome.RunId, outcome.Status.ToContractName(), outcome.Message);
        }
        else
        {
            logger.LogWarning("Run {RunId} was no longer active when it finished {Status}; its recorded end stands", outcome.RunId, outcome.Status.ToContractName());
        }
    }

    /// <summary>
    /// Registers the retry pipeline: a constant <see cref="RetryInterval"/> between tries while the run store is
    /// unavailable, the lease (from the first try) has not run out and no shutdown is asked for, timed by the app's
    /// <see cref="TimeProvider"/>. The shutdown is a property, not the pipeline's token, because a cancelled token
    /// would stop even the first try.
    /// </summary>
    internal static void AddRetries(IServiceCollection services)
    {
        services.AddResiliencePipeline(Retries, (builder, context) =>
        {
            var time = context.ServiceProvider.GetRequiredService<TimeProvider>();
            builder.TimeProvider = time;
            builder.AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = arguments => ValueTask.FromResult(
                    arguments.Outcome.Exception is RunStoreUnavailableException
                    && time.GetUtcNow() < arguments.Context.Properties.GetValue(GiveUpAt, DateTimeOffset.MinValue)
                    && !arguments.Context.Properties.GetValue(Shutdown, CancellationToken.None).IsCancellationRequested),
                BackoffType = DelayBackoffType.Constant,
                Delay = RetryInterval,
                UseJitter = false,
                MaxRetryAttempts = int.MaxValue,
            });
        });
    }

    private async Task<bool> FinishAsync(RunOutcome outcome, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(CancellationToken.None);
        try
        {
            context.Properties.Set(GiveUpAt, time.GetUtcNow() + runState.Value.Lease);
            context.Properties.Set(Shutdown, cancellationToken);
            return await retries.ExecuteAsync(
                static (_, state) => new ValueTask<bool>(state.runs.FinishAsync(state.outcome.RunId, state.outcome.ToRunEnd(), CancellationToken.None)),
                context,
                (runs, outcome));
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }
}
