using Digit.Service.Training;
using Microsoft.Extensions.Logging.Abstractions;

namespace Digit.Service.Tests.Training;

public sealed class InMemoryTrainingStateStoreTests : TrainingStateStoreContract
{
    private readonly InMemoryTrainingStateStore _store;

    public InMemoryTrainingStateStoreTests()
    {
        _store = new InMemoryTrainingStateStore(Time, NullLogger<InMemoryTrainingStateStore>.Instance);
    }

    protected override ITrainingStateStore Store => _store;

    // One process: the competitors are threads sharing the one store.
    protected override Task<IReadOnlyList<ITrainingStateStore>> CreateCompetingStoresAsync(int count) =>
        Task.FromResult<IReadOnlyList<ITrainingStateStore>>(Enumerable.Repeat<ITrainingStateStore>(_store, count).ToArray());

    protected override Task LetTimePassAsync(TimeSpan duration)
    {
        Time.Advance(duration);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task RecoverAbandonedRunAsync_JustBeforeLeaseEnds_ReturnsNull()
    {
        await _store.TryBeginRunAsync("run-1", 3, "worker-1", TimeSpan.FromMinutes(1), CancellationToken.None);

        Time.Advance(TimeSpan.FromMinutes(1) - TimeSpan.FromTicks(1));
        Assert.Null(await _store.RecoverAbandonedRunAsync(CancellationToken.None));

        Time.Advance(TimeSpan.FromTicks(1));
        Assert.Equal("run-1", await _store.RecoverAbandonedRunAsync(CancellationToken.None));
    }
}
