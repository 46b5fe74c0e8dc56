using Digit.Backend.Runs;
using Microsoft.Extensions.Logging.Abstractions;

namespace Digit.Backend.Tests.Runs;

public sealed class InMemoryRunStoreTests : RunStoreContract
{
    private readonly InMemoryRunStore _store;

    public InMemoryRunStoreTests()
    {
        _store = new InMemoryRunStore(Time, NullLogger<InMemoryRunStore>.Instance);
    }

    protected override IRunStore Store => _store;

    // One process: the competitors are threads sharing the one store.
    protected override Task<IReadOnlyList<IRunStore>> CreateCompetingStoresAsync(int count) =>
        Task.FromResult<IReadOnlyList<IRunStore>>(Enumerable.Repeat<IRunStore>(_store, count).ToArray());

    protected override Task LetTimePassAsync(TimeSpan duration)
    {
        Time.Advance(duration);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task RecoverAbandonedRunAsync_JustBeforeTheLeaseRunsOut_ReturnsNull()
    {
        await _store.TryBeginAsync(new RetrainInput("run-1", 3, 64, 42), TimeSpan.FromMinutes(1), CancellationToken.None);

        Time.Advance(TimeSpan.FromMinutes(1) - TimeSpan.FromTicks(1));
        Assert.Null(await _store.RecoverAbandonedRunAsync("gone", CancellationToken.None));

        Time.Advance(TimeSpan.FromTicks(1));
        Assert.Equal("run-1", await _store.RecoverAbandonedRunAsync("gone", CancellationToken.None));
    }
}
