using System.Text.Json;
using Digit.Service.Tests.TestSupport;
using Digit.Service.Training;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace Digit.Service.Tests.Training;

[Collection(RedisCollection.Name)]
public sealed class RedisTrainingStateStoreTests : TrainingStateStoreContract, IAsyncLifetime
{
    private readonly RedisServerFixture _redis;
    private readonly string _keyPrefix = RedisServerFixture.NewKeyPrefix();
    private readonly List<ConnectionMultiplexer> _extraConnections = [];
    private readonly RedisTrainingStateStore _store;

    public RedisTrainingStateStoreTests(RedisServerFixture redis)
    {
        _redis = redis;
        _store = CreateStore(redis.Connection);
    }

    protected override ITrainingStateStore Store => _store;

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
    protected override async Task<IReadOnlyList<ITrainingStateStore>> CreateCompetingStoresAsync(int count)
    {
        var stores = new List<ITrainingStateStore>();
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
    public async Task TryBeginRunAsync_NoActiveRun_WritesKeysUnderPrefix()
    {
        await _store.TryBeginRunAsync("run-1", 3, "worker-1", TimeSpan.FromMinutes(1), CancellationToken.None);

        Assert.Equal("run-1", await Database.StringGetAsync(_keyPrefix + "{training}:active"));
        Assert.Equal("run-1", await Database.StringGetAsync(_keyPrefix + "{training}:last"));
        Assert.Equal("worker-1", await Database.StringGetAsync(_keyPrefix + "{training}:lease"));
        var leaseTtl = await Database.KeyTimeToLiveAsync(_keyPrefix + "{training}:lease");
        Assert.InRange(leaseTtl ?? TimeSpan.Zero, TimeSpan.FromSeconds(50), TimeSpan.FromMinutes(1));
        Assert.Equal("in_progress", await Database.HashGetAsync(_keyPrefix + "{training}:run:run-1", "status"));
        Assert.False(await Database.KeyExistsAsync(_keyPrefix + "{training}:stop"));
    }

    [Fact]
    public async Task SetProgressAsync_ActiveRun_StoresContractFieldNames()
    {
        await _store.TryBeginRunAsync("run-1", 3, "worker-1", TimeSpan.FromMinutes(1), CancellationToken.None);

        await _store.SetProgressAsync("run-1", new TrainingProgress(3, 42.6, 1, "98.31"), CancellationToken.None);

        string? json = await Database.HashGetAsync(_keyPrefix + "{training}:run:run-1", "progress");
        Assert.NotNull(json);
        using var progress = JsonDocument.Parse(json);
        Assert.Equal(3, progress.RootElement.GetProperty("max_epochs").GetInt32());
        Assert.Equal(42.6, progress.RootElement.GetProperty("percentage").GetDouble());
        Assert.Equal(1, progress.RootElement.GetProperty("epoch").GetInt32());
        Assert.Equal("98.31", progress.RootElement.GetProperty("accuracy").GetString());
    }

    [Fact]
    public async Task FinishRunAsync_ActiveRun_RemovesActiveAndLeaseKeys()
    {
        await _store.TryBeginRunAsync("run-1", 3, "worker-1", TimeSpan.FromMinutes(1), CancellationToken.None);

        await _store.FinishRunAsync("run-1", TrainingStatus.Completed, null, 0.99, CancellationToken.None);

        Assert.False(await Database.KeyExistsAsync(_keyPrefix + "{training}:active"));
        Assert.False(await Database.KeyExistsAsync(_keyPrefix + "{training}:lease"));
        Assert.Equal("completed", await Database.HashGetAsync(_keyPrefix + "{training}:run:run-1", "status"));
    }

    [Fact]
    public void KeyPrefix_NotSet_DefaultsToDigit()
    {
        Assert.Equal("digit:", new RedisTrainingStateStoreOptions().KeyPrefix);
    }

    private RedisTrainingStateStore CreateStore(IConnectionMultiplexer connection) =>
        new(connection, new RedisTrainingStateStoreOptions { KeyPrefix = _keyPrefix }, Time, NullLogger<RedisTrainingStateStore>.Instance);
}
