using Digit.Backend.Telemetry;
using Digit.Inference.Models;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Digit.Backend.Runs;

/// <summary>
/// Ends a run that no worker owns any more (no heartbeat for a whole lease: its process died, or lost the run
/// store for longer than the lease) as interrupted, and removes checkpoints that belong to no active run. Runs at
/// start-up and then every two seconds, so no status stays in_progress for ever and no checkpoint piles up.
/// </summary>
public sealed class AbandonedRunSweeper(IRunStore runs, IModelStore models, TrainingMetrics metrics, TimeProvider time, ILogger<AbandonedRunSweeper> logger)
    : BackgroundService
{
    private string? _lastFailure;

    /// <summary>The message of a run ended this way.</summary>
    public const string AbandonedMessage = "Training stopped unexpectedly: its worker stopped sending heartbeats.";

    /// <summary>How often the sweeper looks.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            try
            {
                await SweepAsync(stoppingToken);
                _lastFailure = null;
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // An outage of Redis or storage: the next tick tries again; one line says so, not one a tick.
                if (exception.Message != _lastFailure)
                {
                    _lastFailure = exception.Message;
                    logger.LogWarning("Looking for abandoned training runs failed: {Reason}", exception.Message);
                }
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>One look: ends an abandoned run, then removes every checkpoint but the active run's.</summary>
    public async Task SweepAsync(CancellationToken cancellationToken)
    {
        if (await runs.RecoverAbandonedRunAsync(AbandonedMessage, cancellationToken) is { } runId)
        {
            metrics.RunEnded(TrainingStatus.Interrupted);
            logger.LogWarning("Run {RunId} had no live worker any more; marked it interrupted", runId);
        }
        // Listed before the active run is read: a checkpoint's run began before the checkpoint existed, so a run
        // that is not active after the listing never will be again.
        var checkpoints = await models.ListCheckpointsAsync(cancellationToken);
        var active = await runs.GetActiveRunIdAsync(cancellationToken);
        foreach (var checkpoint in checkpoints)
        {
            if (checkpoint != active)
            {
                await models.DeleteCheckpointAsync(checkpoint, cancellationToken);
                logger.LogInformation("Removed the checkpoint of run {RunId}, which is no longer active", checkpoint);
            }
        }
    }
}
