using Digit.Service.Training;
using Microsoft.Extensions.Logging;

namespace Digit.Service.Retraining.Steps;

/// <summary>
/// Keeps a run's lease alive while a step works on it, renewing it every third of its duration, so the
/// abandoned-run sweeper only ever finishes runs whose process really died.
/// </summary>
public sealed class RunLease : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _renewing;

    private RunLease(ITrainingStateStore state, string runId, RetrainStepOptions options, TimeProvider time, ILogger logger)
    {
        _renewing = RenewAsync(state, runId, options, time, logger, _stop.Token);
    }

    public static RunLease Keep(ITrainingStateStore state, string runId, RetrainStepOptions options, TimeProvider time, ILogger logger) =>
        new(state, runId, options, time, logger);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _renewing;
        _stop.Dispose();
    }

    private static async Task RenewAsync(ITrainingStateStore state, string runId, RetrainStepOptions options, TimeProvider time, ILogger logger, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await state.RenewLeaseAsync(runId, options.LeaseOwner, options.LeaseDuration, stop);
                await Task.Delay(options.LeaseDuration / 3, time, stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                logger.LogWarning(exception, "Run {RunId}: renewing the lease failed; retrying", runId);
                await Task.Delay(options.PollInterval, time, CancellationToken.None);
            }
        }
    }
}
