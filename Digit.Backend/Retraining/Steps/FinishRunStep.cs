using Digit.Backend.Hosting;
using Digit.Backend.Runs;
using Digit.Backend.Telemetry;
using Digit.Inference.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Digit.Backend.Retraining.Steps;

/// <summary>
/// Records how a run ended (fenced: only while it is still the active run, so a run ended elsewhere keeps the
/// status it was given) and removes its checkpoint, whatever the ending. While the run store cannot be reached it
/// tries again for as long as the run's lease lasts: after that the sweeper ends the run.
/// </summary>
public sealed class FinishRunStep(
    IModelStore models,
    IRunStore runs,
    IOptions<RunStateOptions> runState,
    TrainingMetrics metrics,
    TimeProvider time,
    ILogger<FinishRunStep> logger)
{
    private static readonly TimeSpan RetryInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Ends the run with <paramref name="outcome"/> and drops its checkpoint. The end is always tried once;
    /// <paramref name="cancellationToken"/> only cuts the retries short (a process shutting down).
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

    private async Task<bool> FinishAsync(RunOutcome outcome, CancellationToken cancellationToken)
    {
        var giveUpAt = time.GetUtcNow() + runState.Value.Lease;
        while (true)
        {
            try
            {
                return await runs.FinishAsync(outcome.RunId, outcome.ToRunEnd(), CancellationToken.None);
            }
            catch (RunStoreUnavailableException) when (time.GetUtcNow() < giveUpAt && !cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(RetryInterval, time, cancellationToken);
            }
        }
    }
}
