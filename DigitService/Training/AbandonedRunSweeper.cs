using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Digit.Service.Training;

/// <summary>
/// Marks a run interrupted when no process owns it any more (its lease ran out: the process training it
/// died). Runs at start-up and then every few seconds, so no status stays in_progress for ever.
/// </summary>
public sealed class AbandonedRunSweeper(ITrainingStateStore state, TimeProvider time, ILogger<AbandonedRunSweeper> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            try
            {
                if (await state.RecoverAbandonedRunAsync(stoppingToken) is { } runId)
                {
                    logger.LogWarning("Run {RunId} had no live owner any more; marked it interrupted", runId);
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                logger.LogWarning(exception, "Looking for abandoned training runs failed");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
