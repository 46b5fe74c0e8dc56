using Microsoft.Extensions.Logging;

namespace Digit.Service.Training;

/// <summary>
/// Training state of a single process (the local server without Redis), with the same behaviour as
/// <see cref="RedisTrainingStateStore"/>: every transition happens under one lock, and leases expire by the
/// injected <see cref="TimeProvider"/>.
/// </summary>
public sealed class InMemoryTrainingStateStore : ITrainingStateStore
{
    private const string AbandonedMessage = "Training stopped unexpectedly: its worker no longer renewed the lease.";

    private readonly Lock _lock = new();
    private readonly Dictionary<string, TrainingRun> _runs = new(StringComparer.Ordinal);
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<InMemoryTrainingStateStore> _logger;
    private string? _activeRunId;
    private string? _stopRequestedRunId;
    private string? _lastRunId;
    private string? _leaseOwner;
    private TimeSpan _leaseDuration;
    private DateTimeOffset _leaseExpiresAt;

    public InMemoryTrainingStateStore(TimeProvider timeProvider, ILogger<InMemoryTrainingStateStore> logger)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _timeProvider = timeProvider;
        _logger = logger;
    }

    public Task<bool> TryBeginRunAsync(
        string runId, int maxEpochs, string leaseOwner, TimeSpan leaseDuration, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxEpochs);
        ArgumentException.ThrowIfNullOrWhiteSpace(leaseOwner);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(leaseDuration, TimeSpan.Zero);

        lock (_lock)
        {
            if (_activeRunId is not null)
            {
                return Task.FromResult(false);
            }

            var now = _timeProvider.GetUtcNow();
            _runs[runId] = new TrainingRun(
                runId, TrainingStatus.InProgress, maxEpochs, now, now, new TrainingProgress(maxEpochs, 0, 0, null), null, null);
            _activeRunId = runId;
            _lastRunId = runId;
            _stopRequestedRunId = null;
            TakeLease(leaseOwner, leaseDuration, now);
        }

        _logger.LogInformation(
            "Training run {RunId} began for {MaxEpochs} epochs, lease held by {LeaseOwner}", runId, maxEpochs, leaseOwner);
        return Task.FromResult(true);
    }

    public Task<string?> GetActiveRunIdAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_activeRunId);
        }
    }

    public Task<TrainingStatus> GetStatusAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var status = _lastRunId is null ? TrainingStatus.NotStarted : _runs[_lastRunId].Status;
            return Task.FromResult(status);
        }
    }

    public Task<TrainingProgress?> GetProgressAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_activeRunId is null ? null : _runs[_activeRunId].Progress);
        }
    }

    public Task<TrainingRun?> GetRunAsync(string runId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        lock (_lock)
        {
            return Task.FromResult(_runs.GetValueOrDefault(runId));
        }
    }

    public Task SetProgressAsync(string runId, TrainingProgress progress, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        ArgumentNullException.ThrowIfNull(progress);
        lock (_lock)
        {
            if (_activeRunId != runId)
            {
                return Task.CompletedTask;
            }

            var now = _timeProvider.GetUtcNow();
            _runs[runId] = _runs[runId] with { Progress = progress, LastUpdatedTime = now };
            _leaseExpiresAt = now + _leaseDuration;
        }

        return Task.CompletedTask;
    }

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
            _logger.LogInformation("Stop requested for training run {RunId}", runId);
        }

        return Task.FromResult(runId);
    }

    public Task<bool> IsStopRequestedAsync(string runId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        lock (_lock)
        {
            return Task.FromResult(_stopRequestedRunId == runId);
        }
    }

    public Task RenewLeaseAsync(string runId, string leaseOwner, TimeSpan leaseDuration, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        ArgumentException.ThrowIfNullOrWhiteSpace(leaseOwner);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(leaseDuration, TimeSpan.Zero);
        lock (_lock)
        {
            if (_activeRunId == runId)
            {
                TakeLease(leaseOwner, leaseDuration, _timeProvider.GetUtcNow());
            }
        }

        return Task.CompletedTask;
    }

    public Task<bool> FinishRunAsync(
        string runId, TrainingStatus finalStatus, string? message, double? accuracy, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        if (!finalStatus.IsFinal())
        {
            throw new ArgumentOutOfRangeException(nameof(finalStatus), finalStatus, "A run can only finish as completed, interrupted or error.");
        }

        lock (_lock)
        {
            if (_activeRunId != runId)
            {
                return Task.FromResult(false);
            }

            Finish(runId, finalStatus, message, accuracy);
        }

        _logger.LogInformation("Training run {RunId} finished as {Status}", runId, finalStatus.ToContractName());
        return Task.FromResult(true);
    }

    public Task<string?> RecoverAbandonedRunAsync(CancellationToken cancellationToken)
    {
        string? runId;
        string? leaseOwner;
        lock (_lock)
        {
            runId = _activeRunId;
            leaseOwner = _leaseOwner;
            if (runId is null || _timeProvider.GetUtcNow() < _leaseExpiresAt)
            {
                return Task.FromResult<string?>(null);
            }

            Finish(runId, TrainingStatus.Interrupted, AbandonedMessage, accuracy: null);
        }

        _logger.LogWarning(
            "Training run {RunId} lost its lease (last held by {LeaseOwner}) and was marked interrupted", runId, leaseOwner);
        return Task.FromResult<string?>(runId);
    }

    // Callers hold _lock.
    private void TakeLease(string leaseOwner, TimeSpan leaseDuration, DateTimeOffset now)
    {
        _leaseOwner = leaseOwner;
        _leaseDuration = leaseDuration;
        _leaseExpiresAt = now + leaseDuration;
    }

    // Callers hold _lock.
    private void Finish(string runId, TrainingStatus finalStatus, string? message, double? accuracy)
    {
        _runs[runId] = _runs[runId] with
        {
            Status = finalStatus,
            LastUpdatedTime = _timeProvider.GetUtcNow(),
            Message = message,
            Accuracy = accuracy,
        };
        _activeRunId = null;
        _leaseOwner = null;
    }
}
