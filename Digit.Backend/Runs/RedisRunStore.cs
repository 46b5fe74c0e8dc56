using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Digit.Backend.Runs;

/// <summary>
/// Runs shared by every instance through Redis. Each transition (begin, heartbeat, stop, finish, recover) is one
/// Lua script, so it checks and changes the keys in a single atomic step; the worker's writes are fenced by
/// comparing its run id with the active one inside the script.
/// </summary>
/// <remarks>
/// Keys, with P the key prefix (the <c>{training}</c> hash tag keeps them in one slot on a Redis cluster, which
/// multi-key scripts need):
/// <list type="bullet">
/// <item><c>P{training}:active</c> — id of the active run; absent when none. The only truth for "is a run active".</item>
/// <item><c>P{training}:stop</c> — id of the run a stop was requested for.</item>
/// <item><c>P{training}:lease</c> — the active run's id, expiring one lease after its last heartbeat.</item>
/// <item><c>P{training}:last</c> — id of the latest run.</item>
/// <item><c>P{training}:run:&lt;runId&gt;</c> — hash: status, input (JSON), created, updated (ISO 8601), message,
/// accuracy, model_version, progress (JSON), lease_ms.</item>
/// </list>
/// Lease expiry follows the Redis server's clock; timestamps follow the injected <see cref="TimeProvider"/>.
/// </remarks>
public sealed class RedisRunStore : IRunStore
{
    // KEYS: active, stop, lease, run, last. ARGV: runId, inputJson, leaseMs, now, progressJson.
    private const string BeginScript = """
        if redis.call('EXISTS', KEYS[1]) == 1 or redis.call('EXISTS', KEYS[4]) == 1 then return 0 end
        redis.call('SET', KEYS[1], ARGV[1])
        redis.call('DEL', KEYS[2])
        redis.call('SET', KEYS[3], ARGV[1], 'PX', ARGV[3])
        redis.call('HSET', KEYS[4], 'status', 'in_progress', 'input', ARGV[2], 'created', ARGV[4],
            'updated', ARGV[4], 'progress', ARGV[5], 'lease_ms', ARGV[3])
        redis.call('SET', KEYS[5], ARGV[1])
        return 1
        """;

    // KEYS: active, lease, run, stop. ARGV: runId, progressJson ('' for none), now.
    // Returns 0 when the run is not active, 2 when a stop was requested, 1 otherwise.
    private const string HeartbeatScript = """
        if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
        redis.call('SET', KEYS[2], ARGV[1], 'PX', redis.call('HGET', KEYS[3], 'lease_ms'))
        if ARGV[2] ~= '' then redis.call('HSET', KEYS[3], 'progress', ARGV[2], 'updated', ARGV[3]) end
        if redis.call('GET', KEYS[4]) == ARGV[1] then return 2 end
        return 1
        """;

    // KEYS: active, stop. Returns the active run id, or nil when none.
    private const string RequestStopScript = """
        local active = redis.call('GET', KEYS[1])
        if not active then return false end
        redis.call('SET', KEYS[2], active)
        return active
        """;

    // KEYS: active, lease, run. ARGV: runId, status, now, message, accuracy, modelVersion, published model JSON ('' for none).
    private const string FinishScript = """
        if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
        redis.call('DEL', KEYS[1], KEYS[2])
        redis.call('HSET', KEYS[3], 'status', ARGV[2], 'updated', ARGV[3])
        if ARGV[4] ~= '' then redis.call('HSET', KEYS[3], 'message', ARGV[4]) end
        if ARGV[5] ~= '' then redis.call('HSET', KEYS[3], 'accuracy', ARGV[5]) end
        if ARGV[6] ~= '' then redis.call('HSET', KEYS[3], 'model_version', ARGV[6]) end
        if ARGV[7] ~= '' then redis.call('HSET', KEYS[3], 'published', ARGV[7]) end
        return 1
        """;

    // KEYS: active, lease, run. ARGV: runId, now, message. Ends the run only while its lease is gone.
    private const string RecoverScript = """
        if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
        if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
        redis.call('DEL', KEYS[1])
        redis.call('HSET', KEYS[3], 'status', 'interrupted', 'updated', ARGV[2], 'message', ARGV[3])
        return 1
        """;

    private static readonly JsonSerializerOptions ProgressJson = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    private readonly IConnectionMultiplexer _redis;
    private readonly TimeProvider _time;
    private readonly ILogger<RedisRunStore> _logger;
    private readonly RedisKey _activeKey;
    private readonly RedisKey _stopKey;
    private readonly RedisKey _leaseKey;
    private readonly RedisKey _lastKey;
    private readonly string _runKeyPrefix;

    /// <summary>A store over <paramref name="redis"/> whose keys all start with <paramref name="keyPrefix"/>.</summary>
    public RedisRunStore(IConnectionMultiplexer redis, string keyPrefix, TimeProvider time, ILogger<RedisRunStore> logger)
    {
        ArgumentNullException.ThrowIfNull(redis);
        ArgumentNullException.ThrowIfNull(keyPrefix);
        _redis = redis;
        _time = time;
        _logger = logger;
        var keyBase = keyPrefix + "{training}:";
        _activeKey = keyBase + "active";
        _stopKey = keyBase + "stop";
        _leaseKey = keyBase + "lease";
        _lastKey = keyBase + "last";
        _runKeyPrefix = keyBase + "run:";
    }

    private IDatabase Database => _redis.GetDatabase();

    /// <inheritdoc />
    public async Task<bool> TryBeginAsync(RetrainInput run, TimeSpan lease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        var (runId, maxEpochs) = (run.RunId, run.Epochs);
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxEpochs);
        var leaseMs = (long)Math.Ceiling(lease.TotalMilliseconds);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(leaseMs, nameof(lease));
        cancellationToken.ThrowIfCancellationRequested();
        var begun = (int)await CallAsync(() => Database.ScriptEvaluateAsync(
            BeginScript,
            [_activeKey, _stopKey, _leaseKey, RunKey(runId), _lastKey],
            [runId, JsonSerializer.Serialize(run), leaseMs, Now(), FormatProgress(TrainingProgress.Starting(maxEpochs))])) == 1;
        if (begun)
        {
            _logger.LogInformation("Training run {RunId} began for {MaxEpochs} epochs", runId, maxEpochs);
        }
        return begun;
    }

    /// <inheritdoc />
    public async Task<string?> GetActiveRunIdAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return await CallAsync(() => Database.StringGetAsync(_activeKey));
    }

    /// <inheritdoc />
    public async Task<TrainingStatus> GetStatusAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        string? lastRunId = await CallAsync(() => Database.StringGetAsync(_lastKey));
        if (lastRunId is null)
        {
            return TrainingStatus.NotStarted;
        }
        string? status = await CallAsync(() => Database.HashGetAsync(RunKey(lastRunId), "status"));
        return status is null ? TrainingStatus.NotStarted : TrainingStatusNames.FromContractName(status);
    }

    /// <inheritdoc />
    public async Task<TrainingProgress?> GetProgressAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        string? activeRunId = await CallAsync(() => Database.StringGetAsync(_activeKey));
        if (activeRunId is null)
        {
            return null;
        }
        var fields = await CallAsync(() => Database.HashGetAsync(RunKey(activeRunId), ["status", "progress"]));
        // The run may have ended between the two reads: only a run in progress has progress to show.
        return (string?)fields[0] == TrainingStatus.InProgress.ToContractName() ? ParseProgress(fields[1]) : null;
    }

    /// <inheritdoc />
    public async Task<TrainingRun?> GetLatestRunAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        string? lastRunId = await CallAsync(() => Database.StringGetAsync(_lastKey));
        return lastRunId is null ? null : await GetRunAsync(lastRunId, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<TrainingRun?> GetRunAsync(string runId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runId);
        cancellationToken.ThrowIfCancellationRequested();
        var entries = await CallAsync(() => Database.HashGetAllAsync(RunKey(runId)));
        return entries.Length == 0 ? null : ParseRun(runId, entries);
    }

    /// <inheritdoc />
    public async Task<RunSignal> HeartbeatAsync(string runId, TrainingProgress? progress, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        cancellationToken.ThrowIfCancellationRequested();
        var result = (int)await CallAsync(() => Database.ScriptEvaluateAsync(
            HeartbeatScript,
            [_activeKey, _leaseKey, RunKey(runId), _stopKey],
            [runId, progress is null ? string.Empty : FormatProgress(progress), Now()]));
        return result switch
        {
            0 => RunSignal.NotOwner,
            2 => RunSignal.StopRequested,
            _ => RunSignal.Continue,
        };
    }

    /// <inheritdoc />
    public async Task<string?> RequestStopAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var runId = (string?)await CallAsync(() => Database.ScriptEvaluateAsync(RequestStopScript, [_activeKey, _stopKey]));
        if (runId is not null)
        {
            _logger.LogInformation("Stop requested for training run {RunId}", runId);
        }
        return runId;
    }

    /// <inheritdoc />
    public async Task<bool> FinishAsync(string runId, RunEnd end, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        InMemoryRunStore.ThrowIfNotFinal(end);
        cancellationToken.ThrowIfCancellationRequested();
        var finished = (int)await CallAsync(() => Database.ScriptEvaluateAsync(
            FinishScript,
            [_activeKey, _leaseKey, RunKey(runId)],
            [
                runId,
                end.Status.ToContractName(),
                Now(),
                end.Message ?? string.Empty,
                end.Accuracy is { } accuracy ? accuracy.ToString("R", CultureInfo.InvariantCulture) : string.Empty,
                end.ModelVersion ?? string.Empty,
                end.Published is { } published ? JsonSerializer.Serialize(published) : string.Empty,
            ])) == 1;
        if (finished)
        {
            _logger.LogInformation("Training run {RunId} finished {Status}", runId, end.Status.ToContractName());
        }
        return finished;
    }

    /// <inheritdoc />
    public async Task<string?> RecoverAbandonedRunAsync(string message, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        string? activeRunId = await CallAsync(() => Database.StringGetAsync(_activeKey));
        if (activeRunId is null)
        {
            return null;
        }
        // The script checks again that this run is still the active one and that its lease is gone.
        var recovered = (int)await CallAsync(() => Database.ScriptEvaluateAsync(
            RecoverScript, [_activeKey, _leaseKey, RunKey(activeRunId)], [activeRunId, Now(), message])) == 1;
        if (!recovered)
        {
            return null;
        }
        _logger.LogWarning("Training run {RunId} lost its lease and was marked interrupted", activeRunId);
        return activeRunId;
    }

    /// <summary>Runs one Redis call; a connection failure or a timeout becomes <see cref="RunStoreUnavailableException"/>.</summary>
    private static async Task<T> CallAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (Exception exception) when (exception is RedisConnectionException or RedisTimeoutException
            || (exception is RedisServerException && exception.Message.StartsWith("LOADING", StringComparison.Ordinal)))
        {
            throw new RunStoreUnavailableException("The training state in Redis cannot be reached now; try again shortly.", exception);
        }
    }

    private RedisKey RunKey(string runId) => _runKeyPrefix + runId;

    private string Now() => _time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture);

    private static string FormatProgress(TrainingProgress progress) => JsonSerializer.Serialize(progress, ProgressJson);

    private static TrainingProgress? ParseProgress(RedisValue json) =>
        json.IsNullOrEmpty ? null : JsonSerializer.Deserialize<TrainingProgress>((string)json!, ProgressJson);

    private static TrainingRun ParseRun(string runId, HashEntry[] entries)
    {
        var fields = entries.ToDictionary(entry => (string)entry.Name!, entry => entry.Value);
        string? Text(string name) => fields.TryGetValue(name, out var value) ? (string?)value : null;
        string Required(string name) => Text(name) ?? throw new InvalidDataException($"Training run '{runId}' in Redis lacks the field '{name}'.");
        DateTimeOffset Time(string name) => DateTimeOffset.Parse(Required(name), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);

        return new TrainingRun(
            JsonSerializer.Deserialize<RetrainInput>(Required("input")) ?? throw new InvalidDataException($"Training run '{runId}' in Redis has no input."),
            TrainingStatusNames.FromContractName(Required("status")),
            Time("created"),
            Time("updated"),
            fields.TryGetValue("progress", out var progress) ? ParseProgress(progress) : null,
            Text("message"),
            Text("accuracy") is { } accuracy ? double.Parse(accuracy, CultureInfo.InvariantCulture) : null,
            Text("model_version"))
        {
            Published = Text("published") is { } published ? JsonSerializer.Deserialize<PublishedModel>(published) : null,
        };
    }
}
