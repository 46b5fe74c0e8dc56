using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Digit.Service.Training;

/// <summary>
/// Training state shared by every instance through Redis. Each transition (begin, progress, stop, renew,
/// finish, recover) is one Lua script, so it checks and changes the keys in a single atomic step.
/// </summary>
/// <remarks>
/// Keys, with P the <see cref="RedisTrainingStateStoreOptions.KeyPrefix"/> (the <c>{training}</c> hash tag keeps
/// them in one slot on a Redis cluster, which multi-key scripts need):
/// <list type="bullet">
/// <item><c>P{training}:active</c> — id of the active run; absent when none.</item>
/// <item><c>P{training}:stop</c> — id of the run a stop was requested for; cleared when the next run begins.</item>
/// <item><c>P{training}:lease</c> — the lease owner, expiring after the lease duration.</item>
/// <item><c>P{training}:last</c> — id of the latest run.</item>
/// <item><c>P{training}:run:&lt;runId&gt;</c> — hash: status, max_epochs, created, updated (ISO 8601), message,
/// accuracy, progress (contract JSON), lease_owner, lease_ms.</item>
/// </list>
/// Lease expiry follows the Redis server's clock; timestamps follow the injected <see cref="TimeProvider"/>.
/// Cancellation is checked before each command; a command already sent is awaited, so a state change is
/// never left with an unknown outcome.
/// </remarks>
public sealed class RedisTrainingStateStore : ITrainingStateStore
{
    // KEYS: active, stop, lease, run, last. ARGV: runId, maxEpochs, leaseOwner, leaseMs, now, progressJson.
    // Returns 1 when begun, 0 when another run is active. A finished run's id starts afresh.
    private const string BeginScript = """
        if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
        redis.call('DEL', KEYS[4])
        redis.call('SET', KEYS[1], ARGV[1])
        redis.call('DEL', KEYS[2])
        redis.call('SET', KEYS[3], ARGV[3], 'PX', ARGV[4])
        redis.call('HSET', KEYS[4], 'status', 'in_progress', 'max_epochs', ARGV[2], 'created', ARGV[5],
            'updated', ARGV[5], 'progress', ARGV[6], 'lease_owner', ARGV[3], 'lease_ms', ARGV[4])
        redis.call('SET', KEYS[5], ARGV[1])
        return 1
        """;

    // KEYS: active, lease, run. ARGV: runId, progressJson, now. Renews the lease with the stored owner and duration.
    private const string SetProgressScript = """
        if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
        redis.call('HSET', KEYS[3], 'progress', ARGV[2], 'updated', ARGV[3])
        local lease = redis.call('HMGET', KEYS[3], 'lease_owner', 'lease_ms')
        if lease[1] and lease[2] then redis.call('SET', KEYS[2], lease[1], 'PX', lease[2]) end
        return 1
        """;

    // KEYS: active, lease, run. ARGV: runId, leaseOwner, leaseMs.
    private const string RenewLeaseScript = """
        if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
        redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
        redis.call('HSET', KEYS[3], 'lease_owner', ARGV[2], 'lease_ms', ARGV[3])
        return 1
        """;

    // KEYS: active, stop. Returns the active run id, or nil when none.
    private const string RequestStopScript = """
        local active = redis.call('GET', KEYS[1])
        if not active then return false end
        redis.call('SET', KEYS[2], active)
        return active
        """;

    // KEYS: active, lease, run. ARGV: runId, status, now, hasMessage, message, hasAccuracy, accuracy.
    private const string FinishScript = """
        if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
        redis.call('DEL', KEYS[1], KEYS[2])
        redis.call('HSET', KEYS[3], 'status', ARGV[2], 'updated', ARGV[3])
        if ARGV[4] == '1' then redis.call('HSET', KEYS[3], 'message', ARGV[5]) end
        if ARGV[6] == '1' then redis.call('HSET', KEYS[3], 'accuracy', ARGV[7]) end
        return 1
        """;

    // KEYS: active, lease, run. ARGV: runId, now, message. Finishes the run only while its lease is gone.
    private const string RecoverScript = """
        if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
        if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
        redis.call('DEL', KEYS[1])
        redis.call('HSET', KEYS[3], 'status', 'interrupted', 'updated', ARGV[2], 'message', ARGV[3])
        return 1
        """;

    private const string AbandonedMessage = "Training stopped unexpectedly: its worker no longer renewed the lease.";

    private static readonly JsonSerializerOptions ProgressJson = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly IConnectionMultiplexer _redis;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<RedisTrainingStateStore> _logger;
    private readonly RedisKey _activeKey;
    private readonly RedisKey _stopKey;
    private readonly RedisKey _leaseKey;
    private readonly RedisKey _lastKey;
    private readonly string _runKeyPrefix;

    public RedisTrainingStateStore(
        IConnectionMultiplexer redis,
        RedisTrainingStateStoreOptions options,
        TimeProvider timeProvider,
        ILogger<RedisTrainingStateStore> logger)
    {
        ArgumentNullException.ThrowIfNull(redis);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(options.KeyPrefix);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);

        _redis = redis;
        _timeProvider = timeProvider;
        _logger = logger;
        var keyBase = options.KeyPrefix + "{training}:";
        _activeKey = keyBase + "active";
        _stopKey = keyBase + "stop";
        _leaseKey = keyBase + "lease";
        _lastKey = keyBase + "last";
        _runKeyPrefix = keyBase + "run:";
    }

    private IDatabase Database => _redis.GetDatabase();

    public async Task<bool> TryBeginRunAsync(
        string runId, int maxEpochs, string leaseOwner, TimeSpan leaseDuration, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxEpochs);
        ArgumentException.ThrowIfNullOrWhiteSpace(leaseOwner);
        var leaseMs = LeaseMilliseconds(leaseDuration);
        cancellationToken.ThrowIfCancellationRequested();

        var result = (int)await Database.ScriptEvaluateAsync(
            BeginScript,
            [_activeKey, _stopKey, _leaseKey, RunKey(runId), _lastKey],
            [runId, maxEpochs, leaseOwner, leaseMs, Now(), FormatProgress(new TrainingProgress(maxEpochs, 0, 0, null))]);
        if (result != 1)
        {
            return false;
        }
        _logger.LogInformation(
            "Training run {RunId} began for {MaxEpochs} epochs, lease held by {LeaseOwner}", runId, maxEpochs, leaseOwner);
        return true;
    }

    public async Task<string?> GetActiveRunIdAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return await Database.StringGetAsync(_activeKey);
    }

    public async Task<TrainingStatus> GetStatusAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var db = Database;
        string? lastRunId = await db.StringGetAsync(_lastKey);
        if (lastRunId is null)
        {
            return TrainingStatus.NotStarted;
        }

        cancellationToken.ThrowIfCancellationRequested();
        string? status = await db.HashGetAsync(RunKey(lastRunId), "status");
        return status is null ? TrainingStatus.NotStarted : TrainingStatusNames.FromContractName(status);
    }

    public async Task<TrainingProgress?> GetProgressAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var db = Database;
        string? activeRunId = await db.StringGetAsync(_activeKey);
        if (activeRunId is null)
        {
            return null;
        }

        cancellationToken.ThrowIfCancellationRequested();
        var fields = await db.HashGetAsync(RunKey(activeRunId), ["status", "progress"]);
        // The run may have finished between the two reads: only an in-progress run has progress to show.
        return (string?)fields[0] == TrainingStatus.InProgress.ToContractName() ? ParseProgress(fields[1]) : null;
    }

    public async Task<TrainingRun?> GetRunAsync(string runId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        cancellationToken.ThrowIfCancellationRequested();
        var entries = await Database.HashGetAllAsync(RunKey(runId));
        return entries.Length == 0 ? null : ParseRun(runId, entries);
    }

    public async Task SetProgressAsync(string runId, TrainingProgress progress, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        ArgumentNullException.ThrowIfNull(progress);
        cancellationToken.ThrowIfCancellationRequested();

        var result = (int)await Database.ScriptEvaluateAsync(
            SetProgressScript, [_activeKey, _leaseKey, RunKey(runId)], [runId, FormatProgress(progress), Now()]);
        if (result == 0)
        {
            _logger.LogDebug("Ignored progress of training run {RunId}: it is not the active run", runId);
        }
    }

    public async Task<string?> RequestStopAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var runId = (string?)await Database.ScriptEvaluateAsync(RequestStopScript, [_activeKey, _stopKey]);
        if (runId is not null)
        {
            _logger.LogInformation("Stop requested for training run {RunId}", runId);
        }

        return runId;
    }

    public async Task<bool> IsStopRequestedAsync(string runId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        cancellationToken.ThrowIfCancellationRequested();
        return await Database.StringGetAsync(_stopKey) == runId;
    }

    public async Task RenewLeaseAsync(string runId, string leaseOwner, TimeSpan leaseDuration, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        ArgumentException.ThrowIfNullOrWhiteSpace(leaseOwner);
        var leaseMs = LeaseMilliseconds(leaseDuration);
        cancellationToken.ThrowIfCancellationRequested();

        var result = (int)await Database.ScriptEvaluateAsync(
            RenewLeaseScript, [_activeKey, _leaseKey, RunKey(runId)], [runId, leaseOwner, leaseMs]);
        if (result == 0)
        {
            _logger.LogDebug("Did not renew the lease of training run {RunId}: it is not the active run", runId);
        }
    }

    public async Task<bool> FinishRunAsync(
        string runId, TrainingStatus finalStatus, string? message, double? accuracy, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        if (!finalStatus.IsFinal())
        {
            throw new ArgumentOutOfRangeException(nameof(finalStatus), finalStatus, "A run can only finish as completed, interrupted or error.");
        }

        cancellationToken.ThrowIfCancellationRequested();
        var finished = (int)await Database.ScriptEvaluateAsync(
            FinishScript,
            [_activeKey, _leaseKey, RunKey(runId)],
            [
                runId,
                finalStatus.ToContractName(),
                Now(),
                message is null ? "0" : "1",
                message ?? string.Empty,
                accuracy is null ? "0" : "1",
                accuracy is { } value ? value.ToString("R", CultureInfo.InvariantCulture) : string.Empty,
            ]) == 1;
        if (finished)
        {
            _logger.LogInformation("Training run {RunId} finished as {Status}", runId, finalStatus.ToContractName());
        }

        return finished;
    }

    public async Task<string?> RecoverAbandonedRunAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var db = Database;
        string? activeRunId = await db.StringGetAsync(_activeKey);
        if (activeRunId is null)
        {
            return null;
        }

        // The script checks again that this run is still active and that its lease is gone.
        cancellationToken.ThrowIfCancellationRequested();
        var recovered = (int)await db.ScriptEvaluateAsync(
            RecoverScript, [_activeKey, _leaseKey, RunKey(activeRunId)], [activeRunId, Now(), AbandonedMessage]) == 1;
        if (!recovered)
        {
            return null;
        }

        _logger.LogWarning("Training run {RunId} lost its lease and was marked interrupted", activeRunId);
        return activeRunId;
    }

    private RedisKey RunKey(string runId) => _runKeyPrefix + runId;

    private string Now() => _timeProvider.GetUtcNow().ToString("O", CultureInfo.InvariantCulture);

    private static long LeaseMilliseconds(TimeSpan leaseDuration)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(leaseDuration, TimeSpan.Zero);
        return (long)Math.Ceiling(leaseDuration.TotalMilliseconds);
    }

    private static string FormatProgress(TrainingProgress progress) => JsonSerializer.Serialize(progress, ProgressJson);

    private static TrainingProgress? ParseProgress(RedisValue json) =>
        json.IsNullOrEmpty ? null : JsonSerializer.Deserialize<TrainingProgress>((string)json!, ProgressJson);

    private static TrainingRun ParseRun(string runId, HashEntry[] entries)
    {
        var fields = entries.ToDictionary(entry => (string)entry.Name!, entry => entry.Value);
        string? Text(string name) => fields.TryGetValue(name, out var value) ? (string?)value : null;
        DateTimeOffset Time(string name) =>
            DateTimeOffset.Parse(Text(name) ?? throw MissingField(name), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
        InvalidDataException MissingField(string name) => new($"Training run '{runId}' in Redis lacks the field '{name}'.");

        var accuracy = Text("accuracy");
        return new TrainingRun(
            runId,
            TrainingStatusNames.FromContractName(Text("status") ?? throw MissingField("status")),
            int.Parse(Text("max_epochs") ?? throw MissingField("max_epochs"), CultureInfo.InvariantCulture),
            Time("created"),
            Time("updated"),
            fields.TryGetValue("progress", out var progress) ? ParseProgress(progress) : null,
            Text("message"),
            accuracy is null ? null : double.Parse(accuracy, CultureInfo.InvariantCulture));
    }
}
