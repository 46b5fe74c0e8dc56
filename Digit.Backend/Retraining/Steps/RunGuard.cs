using Digit.Backend.Runs;
using Microsoft.Extensions.Logging;

namespace Digit.Backend.Retraining.Steps;

/// <summary>
/// Watches a run while one of its steps works on it. Every poll interval it sends the run's heartbeat (renewing
/// its lease and recording the latest progress) and learns whether to go on. <see cref="Token"/> is cancelled when
/// a stop is requested, when the run is no longer active (the sweeper ended it, or the run store forgot it), when
/// no heartbeat got through for a whole lease (the worker must assume the run is lost), or when the process shuts
/// down. A step confirms with <see cref="ConfirmAsync"/> right before it commits anything.
/// </summary>
internal sealed class RunGuard : IAsyncDisposable
{
    /// <summary>How often the heartbeat goes out: a stop reaches the step within this (plus one batch).</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    private readonly IRunStore _runs;
    private readonly string _runId;
    private readonly TimeSpan _lease;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _cancel;
    private readonly SemaphoreSlim _sending = new(1, 1);
    private readonly Task _watching;
    private TrainingProgress? _latest;
    private TrainingProgress? _written;
    private DateTimeOffset _lastHeartbeat;
    private bool _failing;
    private int _ended = -1;

    private RunGuard(IRunStore runs, string runId, TimeSpan lease, TimeProvider time, ILogger logger, CancellationToken shutdown)
    {
        _runs = runs;
        _runId = runId;
        _lease = lease;
        _time = time;
        _logger = logger;
        _cancel = CancellationTokenSource.CreateLinkedTokenSource(shutdown);
        _lastHeartbeat = time.GetUtcNow();
        _watching = WatchAsync();
    }

    /// <summary>Cancelled when the step must end without committing anything; <see cref="Ended"/> says why.</summary>
    public CancellationToken Token => _cancel.Token;

    /// <summary>Why <see cref="Token"/> was cancelled: <see cref="StepEnd.LostRun"/>, or <see cref="StepEnd.Stopped"/> for a stop or a shutdown.</summary>
    public StepEnd Ended => _ended < 0 ? StepEnd.Stopped : (StepEnd)_ended;

    public static RunGuard Start(IRunStore runs, string runId, TimeSpan lease, TimeProvider time, ILogger logger, CancellationToken shutdown) =>
        new(runs, runId, lease, time, logger, shutdown);

    /// <summary>Hands over the newest progress; the next heartbeat records it.</summary>
    public void Report(TrainingProgress progress) => Volatile.Write(ref _latest, progress);

    /// <summary>
    /// Sends a heartbeat now (retrying while the store is unreachable, for at most what is left of the lease) and
    /// says whether the step may commit: false when the run was stopped, lost, or the process is shutting down.
    /// </summary>
    public async Task<bool> ConfirmAsync()
    {
        while (!_cancel.IsCancellationRequested)
        {
            if (await BeatAsync() is { } signal)
            {
                return signal == RunSignal.Continue;
            }
            try
            {
                await Task.Delay(PollInterval, _time, _cancel.Token);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        return false;
    }

    public async ValueTask DisposeAsync()
    {
        await _cancel.CancelAsync();
        await _watching;
        _cancel.Dispose();
        _sending.Dispose();
    }

    private async Task WatchAsync()
    {
        while (!_cancel.IsCancellationRequested)
        {
            await BeatAsync();
            try
            {
                await Task.Delay(PollInterval, _time, _cancel.Token);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        // The step may have reported more since the last beat; record it unless the step lost the run.
        if (Ended != StepEnd.LostRun && Volatile.Read(ref _latest) != _written)
        {
            await BeatAsync(afterEnd: true);
        }
    }

    /// <summary>One heartbeat; null when the store could not be reached.</summary>
    private async Task<RunSignal?> BeatAsync(bool afterEnd = false)
    {
        await _sending.WaitAsync(CancellationToken.None);
        try
        {
            var progress = Volatile.Read(ref _latest);
            var signal = await _runs.HeartbeatAsync(_runId, progress == _written ? null : progress, CancellationToken.None);
            _written = progress;
            _lastHeartbeat = _time.GetUtcNow();
            if (_failing)
            {
                _failing = false;
                _logger.LogInformation("Run {RunId}: the run store answers again", _runId);
            }
            if (!afterEnd && signal != RunSignal.Continue)
            {
                End(signal == RunSignal.NotOwner ? StepEnd.LostRun : StepEnd.Stopped);
            }
            return signal;
        }
        catch (Exception exception)
        {
            if (!_failing)
            {
                _failing = true;
                _logger.LogWarning("Run {RunId}: the heartbeat failed ({Reason}); training goes on while the lease lasts", _runId, exception.Message);
            }
            if (!afterEnd && _time.GetUtcNow() - _lastHeartbeat >= _lease)
            {
                _logger.LogWarning("Run {RunId}: no heartbeat got through for the whole lease ({Lease}); stopping, as the run may belong to nobody now", _runId, _lease);
                End(StepEnd.LostRun);
            }
            return null;
        }
        finally
        {
            _sending.Release();
        }
    }

    private void End(StepEnd end)
    {
        if (Interlocked.CompareExchange(ref _ended, (int)end, -1) == -1)
        {
            _cancel.Cancel();
        }
    }
}
