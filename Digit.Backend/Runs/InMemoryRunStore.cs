using Microsoft.Extensions.Logging;

namespace Digit.Backend.Runs;

/// <summary>
/// Runs of a single process (the local server without Redis), with the same behaviour as
/// <see cref="RedisRunStore"/>: every transition happens under one lock, and leases expire by the injected
/// <see cref="TimeProvider"/>.
/// </summary>
public sealed class InMemoryRunStore(TimeProvider time, ILogger<InMemoryRunStore> logger) : IRunStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, TrainingRun> _runs = new(StringComparer.Ordinal);
    private string? _activeRunId;
    private string? _stopRequestedRunId;
    private string? _lastRunId;
    private TimeSpan _lease;
    private DateTimeOffset _leaseExpiresAt;

    /// <inheritdoc />
    public Task<bool> TryBeginAsync(RetrainInput run, TimeSpan lease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        var (runId, maxEpochs) = (run.RunId, run.Epochs);
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxEpochs);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lease, TimeSpan.Zero);
        lock (_lock)
        {
            if (_activeRunId is not null || _runs.ContainsKey(runId))
            {
                return Task.FromResult(false);
            }
            var now = time.GetUtcNow();
            _runs[runId] = new TrainingRun(run, TrainingStatus.InProgress, now, now, TrainingProgress.Starting(maxEpochs), null, null, null);
            _activeRunId = runId;
            _lastRunId = runId;
            _stopRequestedRunId = null;
            _lease = lease;
            _leaseExpiresAt = now + lease;
        }
        logger.LogInformation("Training run {RunId} began for {MaxEpochs} epochs", runId, maxEpochs);
        return Task.FromResult(true);
    }

    /// <inheritdoc />
    public Task<string?> GetActiveRunIdAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_activeRunId);
        }
    }

    /// <inheritdoc />
    public Task<TrainingStatus> GetStatusAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_lastRunId is null ? TrainingStatus.NotStarted : _runs[_lastRunId].Status);
        }
    }

    /// <inheritdoc />
    public Task<TrainingRun?> GetLatestRunAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_lastRunId is null ? null : (TrainingRun?)_runs[_lastRunId]);
        }
    }

    /// <inheritdoc />
    public Task<TrainingProgress?> GetProgressAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_activeRunId is null ? null : _runs[_activeRunId].Progress);
        }
    }

    /// <inheritdoc />
    public Task<TrainingRun?> GetRunAsync(string runId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runId);
        lock (_lock)
        {
            return Task.FromResult(_runs.GetValueOrDefault(runId));
        }
    }

    /// <inheritdoc />
    public Task<RunSignal> HeartbeatAsync(string runId, TrainingProgress? progress, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        lock (_lock)
        {
            if (_activeRunId != runId)
            {
                return Task.FromResult(RunSignal.NotOwner);
            }
            var now = time.GetUtcNow();
            _leaseExpiresAt = now + _lease;
            if (progress is not null)
            {
                _runs[runId] = _runs[runId] with { Progress = progress, LastUpdatedTime = now };
            }
            return Task.FromResult(_stopRequestedRunId == runId ? RunSignal.StopRequested : RunSignal.Continue);
        }
    }

    /// <inheritdoc />
    public Task<string?> RequestStopAsync(CancellationToken cancellationToken)
    {
        string? runId;
        lock (_lock)
        {
            runId = _activeRunId;
            if (runId is not null)
            {
                _stopRequestedRunId = runId;
            }
        }
        if (runId is not null)
        {
            logger.LogInformation("Stop requested for training run {RunId}", runId);
        }
        return Task.FromResult(runId);
    }

    /// <inheritdoc />
    public Task<bool> FinishAsync(string runId, RunEnd end, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        ThrowIfNotFinal(end);
        lock (_lock)
        {
            if (_activeRunId != runId)
            {
                return Task.FromResult(false);
            }
            End(runId, end);
        }
        logger.LogInformation("Training run {RunId} finished {Status}", runId, end.Status.ToContractName());
        return Task.FromResult(true);
    }

    /// <inheritdoc />
    public Task<string?> RecoverAbandonedRunAsync(string message, CancellationToken cancellationToken)
    {
        string? runId;
        lock (_lock)
        {
            runId = _activeRunId;
            if (runId is null || time.GetUtcNow() < _leaseExpiresAt)
            {
                return Task.FromResult<string?>(null);
            }
            End(runId, new RunEnd(TrainingStatus.Interrupted, message));
        }
        logger.LogWarning("Training run {RunId} lost its lease and was marked interrupted", runId);
        return Task.FromResult<string?>(runId);
    }

    internal static void ThrowIfNotFinal(RunEnd end)
    {
        ArgumentNullException.ThrowIfNull(end);
        if (!end.Status.IsFinal())
        {
            throw new ArgumentOutOfRangeException(nameof(end), end.Status, "A run can only end completed, interrupted or error.");
        }
    }

    // Callers hold _lock.
    private void End(string runId, RunEnd end)
    {
        _runs[runId] = _runs[runId] with
        {
            Status = end.Status,
            LastUpdatedTime = time.GetUtcNow(),
            Message = end.Message,
            Accuracy = end.Accuracy,
            ModelVersion = end.ModelVersion,
            Published = end.Published,
        };
        _activeRunId = null;
    }
}
