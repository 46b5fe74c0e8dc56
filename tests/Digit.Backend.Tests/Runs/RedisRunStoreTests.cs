using System.Text.Json;
using Digit.Backend.Runs;
using Digit.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace Digit.Backend.Tests.Runs;

[Collection(RedisCollection.Name)]
public sealed class RedisRunStoreTests : RunStoreContract, IAsyncLifetime
{
    private readonly RedisServerFixture _redis;
    private readonly string _keyPrefix = RedisServerFixture.NewKeyPrefix();
    private readonly List<ConnectionMultiplexer> _extraConnections = [];
    private readonly RedisRunStore _store;

    public RedisRunStoreTests(RedisServerFixture redis)
    {
        _redis = redis;
        _store = CreateStore(redis.Connection);
    }

    protected override IRunStore Store => _store;

    private IDatabase Database => _redis.Connection.GetDatabase();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var connection in _extraConnections)
        {
            await connection.DisposeAsync();
        }
    }

    // Separate connections, as separate instances of the service would have.
    protected override async Task<IReadOnlyList<IRunStore>> CreateCompetingStoresAsync(int count)
    {
        var stores = new List<IRunStore>();
        for (var i = 0; i < count; i++)
        {
            var connection = await _redis.ConnectAsync();
            _extraConnections.Add(connection);
            stores.Add(CreateStore(connection));
        }
        return stores;
    }

    // Leases expire by the Redis server's clock, so real time has to pass as well.
    protected override async Task LetTimePassAsync(TimeSpan duration)
    {
        Time.Advance(duration);
        await Task.Delay(duration);
    }

    [Fact]
    public async Task TryBeginAsync_NoActiveRun_WritesKeysUnderThePrefix()
    {
        await _store.TryBeginAsync(new RetrainInput("run-1", 3, 64, 42), TimeSpan.FromMinutes(1), CancellationToken.None);

        Assert.Equal("run-1", await Database.StringGetAsync(_keyPrefix + "{training}:active"));
        Assert.Equal("run-1", await Database.StringGetAsync(_keyPrefix + "{training}:last"));
        Assert.Equal("run-1", await Database.StringGetAsync(_keyPrefix + "{training}:lease"));
        var leaseTtl = await Database.KeyTimeToLiveAsync(_keyPrefix + "{training}:lease");
        Assert.InRange(leaseTtl ?? TimeSpan.Zero, TimeSpan.FromSeconds(50), TimeSpan.FromMinutes(1));
        Assert.Equal("in_progress", await Database.HashGetAsync(_keyPrefix + "{training}:run:run-1", "status"));
        Assert.False(await Database.KeyExistsAsync(_keyPrefix + "{training}:stop"));
    }

    [Fact]
    public async Task HeartbeatAsync_WithProgress_StoresNumbers()
    {
        await _store.TryBeginAsync(new RetrainInput("run-1", 3, 64, 42), TimeSpan.FromMinutes(1), CancellationToken.None);

        await _store.HeartbeatAsync("run-1", new TrainingProgress(3, 42.6, 1, 0.9831), CancellationToken.None);

        string? json = await Database.HashGetAsync(_keyPrefix + "{training}:run:run-1", "progress");
        using var progress = JsonDocument.Parse(json!);
        Assert.Equal(3, progress.RootElement.GetProperty("max_epochs").GetInt32());
        Assert.Equal(42.6, progress.RootElement.GetProperty("percentage").GetDouble());
        Assert.Equal(1, progress.RootElement.GetProperty("epochs_done").GetInt32());
        Assert.Equal(0.9831, progress.RootElement.GetProperty("last_epoch_accuracy").GetDouble());
    }

    [Fact]
    public async Task FinishAsync_ActiveRun_RemovesTheActiveAndLeaseKeys()
    {
        await _store.TryBeginAsync(new RetrainInput("run-1", 3, 64, 42), TimeSpan.FromMinutes(1), CancellationToken.None);

        await _store.FinishAsync("run-1", new RunEnd(TrainingStatus.Completed, null, 0.99), CancellationToken.None);

        Assert.False(await Database.KeyExistsAsync(_keyPrefix + "{training}:active"));
        Assert.False(await Database.KeyExistsAsync(_keyPrefix + "{training}:lease"));
        Assert.Equal("completed", await Database.HashGetAsync(_keyPrefix + "{training}:run:run-1", "status"));
    }

    [Fact]
    public async Task HeartbeatAsync_RedisForgotEverything_SaysNotOwner()
    {
        await _store.TryBeginAsync(new RetrainInput("run-1", 3, 64, 42), TimeSpan.FromMinutes(1), CancellationToken.None);

        // What a Redis that restarted empty looks like to the worker.
        foreach (var key in new[] { "active", "lease", "last", "run:run-1" })
        {
            await Database.KeyDeleteAsync(_keyPrefix + "{training}:" + key);
        }

        Assert.Equal(RunSignal.NotOwner, await _store.HeartbeatAsync("run-1", null, CancellationToken.None));
    }

    private RedisRunStore CreateStore(IConnectionMultiplexer connection) =>
        new(connection, _keyPrefix, Time, NullLogger<RedisRunStore>.Instance);
}
