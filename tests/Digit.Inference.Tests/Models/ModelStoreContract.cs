using Digit.Inference.Models;
using Microsoft.Extensions.Time.Testing;

namespace Digit.Inference.Tests.Models;

/// <summary>The behaviour every <see cref="IModelStore"/> shares; one concrete test class per implementation.</summary>
public abstract class ModelStoreContract
{
    protected static readonly DateTimeOffset Start = new(2025, 3, 1, 10, 15, 2, 117, TimeSpan.Zero);

    protected FakeTimeProvider Time { get; } = new(Start);

    /// <summary>A store over this test's storage; every call gives a new instance over the same storage.</summary>
    protected abstract IModelStore CreateStore();

    protected static byte[] ModelBytes(int seed, int length = 4096)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    [Fact]
    public async Task GetCurrentAsync_NothingPublished_ReturnsNull()
    {
        Assert.Null(await CreateStore().GetCurrentAsync(CancellationToken.None));
    }

    [Fact]
    public async Task PublishAsync_Model_BecomesCurrentWithAccuracyAndTime()
    {
        var store = CreateStore();

        var published = await store.PublishAsync(ModelBytes(1), 0.9912, CancellationToken.None);

        Assert.Equal(0.9912, published.Accuracy);
        Assert.Equal(Start, published.PublishedAt);
        Assert.StartsWith("20250301T101502117Z", published.Version, StringComparison.Ordinal);
        Assert.Equal(published, await store.GetCurrentAsync(CancellationToken.None));
    }

    [Fact]
    public async Task PublishAsync_UnknownAccuracy_RoundTripsNull()
    {
        var store = CreateStore();

        await store.PublishAsync(ModelBytes(1), accuracy: null, CancellationToken.None);

        var current = await store.GetCurrentAsync(CancellationToken.None);
        Assert.NotNull(current);
        Assert.Null(current.Accuracy);
    }

    [Fact]
    public async Task ReadModelAsync_PublishedVersion_ReturnsSameBytes()
    {
        var store = CreateStore();
        var model = ModelBytes(2, length: 300_000);

        var published = await store.PublishAsync(model, 0.98, CancellationToken.None);

        Assert.Equal(model, await store.ReadModelAsync(published.Version, CancellationToken.None));
    }

    [Fact]
    public async Task GetCurrentAsync_AnotherInstance_SeesPublishedVersion()
    {
        var published = await CreateStore().PublishAsync(ModelBytes(3), 0.97, CancellationToken.None);

        var other = CreateStore();

        Assert.Equal(published, await other.GetCurrentAsync(CancellationToken.None));
        Assert.Equal(ModelBytes(3), await other.ReadModelAsync(published.Version, CancellationToken.None));
    }

    [Fact]
    public async Task PublishAsync_NewVersion_OlderVersionStaysReadable()
    {
        var store = CreateStore();
        var first = await store.PublishAsync(ModelBytes(4), 0.95, CancellationToken.None);
        Time.Advance(TimeSpan.FromMinutes(1));

        var second = await store.PublishAsync(ModelBytes(5), 0.96, CancellationToken.None);

        Assert.Equal(second, await store.GetCurrentAsync(CancellationToken.None));
        Assert.Equal(ModelBytes(4), await store.ReadModelAsync(first.Version, CancellationToken.None));
        Assert.Equal(ModelBytes(5), await store.ReadModelAsync(second.Version, CancellationToken.None));
    }

    [Fact]
    public async Task PublishAsync_SeveralTimes_VersionsSortInPublishOrder()
    {
        var store = CreateStore();
        var versions = new List<string>();
        // Three in the same millisecond, then later ones: both the timestamp and the counter must order them.
        foreach (var step in new[] { 0, 0, 0, 1, 999, 0, 86_400_000 })
        {
            Time.Advance(TimeSpan.FromMilliseconds(step));
            versions.Add((await store.PublishAsync(ModelBytes(versions.Count), 0.9, CancellationToken.None)).Version);
        }

        Assert.Equal(versions.Count, versions.Distinct().Count());
        Assert.Equal(versions, versions.Order(StringComparer.Ordinal));
        Assert.Equal(versions[^1], (await store.GetCurrentAsync(CancellationToken.None))?.Version);
    }

    [Fact]
    public async Task PublishAsync_ConcurrentlyInSameMillisecond_EachGetsOwnVersion()
    {
        var models = Enumerable.Range(10, 6).Select(seed => ModelBytes(seed)).ToArray();

        var published = await Task.WhenAll(models.Select(model =>
            Task.Run(() => CreateStore().PublishAsync(model, 0.9, CancellationToken.None))));

        Assert.Equal(models.Length, published.Select(version => version.Version).Distinct().Count());
        var store = CreateStore();
        for (var i = 0; i < models.Length; i++)
        {
            Assert.Equal(models[i], await store.ReadModelAsync(published[i].Version, CancellationToken.None));
        }

        Assert.Contains(await store.GetCurrentAsync(CancellationToken.None), published);
    }

    [Fact]
    public async Task ReadModelAsync_UnknownVersion_ThrowsModelNotFound()
    {
        var store = CreateStore();
        await store.PublishAsync(ModelBytes(6), 0.9, CancellationToken.None);

        var error = await Assert.ThrowsAsync<ModelNotFoundException>(
            () => store.ReadModelAsync("20200101T000000000Z-0001", CancellationToken.None));

        Assert.Equal("20200101T000000000Z-0001", error.Version);
    }

    [Theory]
    [InlineData("../current")]
    [InlineData("versions/x")]
    [InlineData("")]
    [InlineData(".hidden")]
    public async Task ReadModelAsync_NameOutsideVersions_ThrowsModelNotFound(string version)
    {
        var store = CreateStore();
        await store.PublishAsync(ModelBytes(7), 0.9, CancellationToken.None);

        await Assert.ThrowsAsync<ModelNotFoundException>(() => store.ReadModelAsync(version, CancellationToken.None));
    }

    [Fact]
    public async Task ReadCheckpointAsync_NoneSaved_ReturnsNull()
    {
        Assert.Null(await CreateStore().ReadCheckpointAsync("run-1", CancellationToken.None));
    }

    [Fact]
    public async Task SaveCheckpointAsync_Saved_ReadReturnsSameBytes()
    {
        var store = CreateStore();

        await store.SaveCheckpointAsync("run-1", ModelBytes(20), CancellationToken.None);

        Assert.Equal(ModelBytes(20), await CreateStore().ReadCheckpointAsync("run-1", CancellationToken.None));
    }

    [Fact]
    public async Task SaveCheckpointAsync_SavedAgain_ReplacesEarlierCheckpoint()
    {
        var store = CreateStore();
        await store.SaveCheckpointAsync("run-1", ModelBytes(21, length: 8000), CancellationToken.None);

        await store.SaveCheckpointAsync("run-1", ModelBytes(22, length: 100), CancellationToken.None);

        Assert.Equal(ModelBytes(22, length: 100), await store.ReadCheckpointAsync("run-1", CancellationToken.None));
    }

    [Fact]
    public async Task SaveCheckpointAsync_TwoRuns_KeptApart()
    {
        var store = CreateStore();

        await store.SaveCheckpointAsync("run-1", ModelBytes(23), CancellationToken.None);
        await store.SaveCheckpointAsync("run-2", ModelBytes(24), CancellationToken.None);

        Assert.Equal(ModelBytes(23), await store.ReadCheckpointAsync("run-1", CancellationToken.None));
        Assert.Equal(ModelBytes(24), await store.ReadCheckpointAsync("run-2", CancellationToken.None));
    }

    [Fact]
    public async Task DeleteCheckpointAsync_Saved_ReadReturnsNull()
    {
        var store = CreateStore();
        await store.SaveCheckpointAsync("run-1", ModelBytes(25), CancellationToken.None);
        await store.SaveCheckpointAsync("run-2", ModelBytes(26), CancellationToken.None);

        await store.DeleteCheckpointAsync("run-1", CancellationToken.None);

        Assert.Null(await store.ReadCheckpointAsync("run-1", CancellationToken.None));
        Assert.Equal(ModelBytes(26), await store.ReadCheckpointAsync("run-2", CancellationToken.None));
    }

    [Fact]
    public async Task DeleteCheckpointAsync_NoneSaved_DoesNothing()
    {
        var store = CreateStore();

        await store.DeleteCheckpointAsync("run-1", CancellationToken.None);
        await store.SaveCheckpointAsync("run-2", ModelBytes(27), CancellationToken.None);
        await store.DeleteCheckpointAsync("run-1", CancellationToken.None);

        Assert.Null(await store.ReadCheckpointAsync("run-1", CancellationToken.None));
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("a/b")]
    [InlineData("")]
    public async Task SaveCheckpointAsync_RunIdWithPath_ThrowsArgumentException(string runId)
    {
        await Assert.ThrowsAnyAsync<ArgumentException>(
            () => CreateStore().SaveCheckpointAsync(runId, ModelBytes(28), CancellationToken.None));
    }

    [Fact]
    public async Task StoreAsync_Model_IsListedWithItsDescriptionButNotServed()
    {
        var store = CreateStore();
        var current = await store.PublishAsync(ModelBytes(1), 0.99, CancellationToken.None);
        Time.Advance(TimeSpan.FromSeconds(1));
        var trainedAt = Start.AddMinutes(-5);

        var stored = await store.StoreAsync(ModelBytes(2), new ModelDescription(0.985, "run-7", 2, 12_000, trainedAt), CancellationToken.None);

        Assert.Equal(current, await store.GetCurrentAsync(CancellationToken.None));
        var versions = await store.ListVersionsAsync(CancellationToken.None);
        Assert.Equal([current.Version, stored.Version], versions.Select(v => v.Version));
        var listed = versions[1];
        Assert.Equal((0.985, "run-7", 2, 12_000, trainedAt, Start.AddSeconds(1)),
            (listed.Accuracy, listed.Origin, listed.Epochs, listed.Images, listed.TrainedAt, listed.PublishedAt));
    }

    [Fact]
    public async Task ActivateAsync_OlderVersion_BecomesCurrentWithItsDescription()
    {
        var store = CreateStore();
        var first = await store.PublishAsync(ModelBytes(1), new ModelDescription(0.994, ModelOrigins.Shipped, 10), CancellationToken.None);
        Time.Advance(TimeSpan.FromSeconds(1));
        await store.PublishAsync(ModelBytes(2), 0.97, CancellationToken.None);

        var activated = await store.ActivateAsync(first.Version, CancellationToken.None);

        Assert.Equal(first, activated);
        Assert.Equal(first, await CreateStore().GetCurrentAsync(CancellationToken.None));
        Assert.Equal(ModelOrigins.Shipped, activated.Origin);
    }

    [Theory]
    [InlineData("20250301T101502117Z-0009")]
    [InlineData("../current")]
    public async Task ActivateAsync_VersionNotStored_ThrowsModelNotFoundAndKeepsTheCurrent(string version)
    {
        var store = CreateStore();
        var current = await store.PublishAsync(ModelBytes(1), 0.99, CancellationToken.None);

        await Assert.ThrowsAsync<ModelNotFoundException>(() => store.ActivateAsync(version, CancellationToken.None));

        Assert.Equal(current, await store.GetCurrentAsync(CancellationToken.None));
    }

    [Fact]
    public async Task ActivateIfCurrentAsync_CurrentIsTheExpectedOne_MakesTheVersionCurrent()
    {
        var store = CreateStore();
        var served = await store.PublishAsync(ModelBytes(1), 0.99, CancellationToken.None);
        Time.Advance(TimeSpan.FromSeconds(1));
        var stored = await store.StoreAsync(ModelBytes(2), new ModelDescription(0.98), CancellationToken.None);

        var activated = await store.ActivateIfCurrentAsync(stored.Version, served.Version, CancellationToken.None);

        Assert.Equal(stored, activated);
        Assert.Equal(stored, await CreateStore().GetCurrentAsync(CancellationToken.None));
    }

    [Fact]
    public async Task ActivateIfCurrentAsync_AnotherVersionBecameCurrent_ChangesNothing()
    {
        var store = CreateStore();
        var judgedAgainst = await store.PublishAsync(ModelBytes(1), 0.99, CancellationToken.None);
        Time.Advance(TimeSpan.FromSeconds(1));
        var stored = await store.StoreAsync(ModelBytes(2), new ModelDescription(0.98), CancellationToken.None);
        Time.Advance(TimeSpan.FromSeconds(1));
        var newer = await CreateStore().PublishAsync(ModelBytes(3), 0.995, CancellationToken.None);

        var activated = await store.ActivateIfCurrentAsync(stored.Version, judgedAgainst.Version, CancellationToken.None);

        Assert.Null(activated);
        Assert.Equal(newer, await CreateStore().GetCurrentAsync(CancellationToken.None));
    }

    [Fact]
    public async Task ActivateIfCurrentAsync_NoneExpectedAndNoneCurrent_MakesTheVersionCurrent()
    {
        var store = CreateStore();
        var stored = await store.StoreAsync(ModelBytes(1), new ModelDescription(0.98), CancellationToken.None);

        Assert.Equal(stored, await store.ActivateIfCurrentAsync(stored.Version, expectedCurrent: null, CancellationToken.None));
        Assert.Equal(stored, await store.GetCurrentAsync(CancellationToken.None));
    }

    [Fact]
    public async Task ActivateIfCurrentAsync_NoneExpectedButOneIsCurrent_ChangesNothing()
    {
        var store = CreateStore();
        var stored = await store.StoreAsync(ModelBytes(1), new ModelDescription(0.98), CancellationToken.None);
        Time.Advance(TimeSpan.FromSeconds(1));
        var published = await CreateStore().PublishAsync(ModelBytes(2), 0.99, CancellationToken.None);

        Assert.Null(await store.ActivateIfCurrentAsync(stored.Version, expectedCurrent: null, CancellationToken.None));
        Assert.Equal(published, await store.GetCurrentAsync(CancellationToken.None));
    }

    [Fact]
    public async Task ActivateIfCurrentAsync_ManyAtOnceFromTheSameCurrent_OnlyOneWins()
    {
        var served = await CreateStore().PublishAsync(ModelBytes(1), 0.99, CancellationToken.None);
        var candidates = new List<ModelVersion>();
        for (var i = 0; i < 6; i++)
        {
            Time.Advance(TimeSpan.FromSeconds(1));
            candidates.Add(await CreateStore().StoreAsync(ModelBytes(10 + i), new ModelDescription(0.98), CancellationToken.None));
        }

        var results = await Task.WhenAll(candidates.Select(candidate =>
            Task.Run(() => CreateStore().ActivateIfCurrentAsync(candidate.Version, served.Version, CancellationToken.None))));

        var winner = Assert.Single(results, result => result is not null);
        Assert.Equal(winner, await CreateStore().GetCurrentAsync(CancellationToken.None));
    }

    [Fact]
    public async Task ActivateIfCurrentAsync_VersionNotStored_ThrowsModelNotFound()
    {
        var store = CreateStore();
        var current = await store.PublishAsync(ModelBytes(1), 0.99, CancellationToken.None);

        await Assert.ThrowsAsync<ModelNotFoundException>(
            () => store.ActivateIfCurrentAsync("20250301T101502117Z-0009", current.Version, CancellationToken.None));
        Assert.Equal(current, await store.GetCurrentAsync(CancellationToken.None));
    }

    [Fact]
    public async Task ListVersionsAsync_NothingStored_IsEmpty()
    {
        Assert.Empty(await CreateStore().ListVersionsAsync(CancellationToken.None));
    }

    [Fact]
    public async Task ListCheckpointsAsync_TwoRunsSavedOneDeleted_ListsTheOther()
    {
        var store = CreateStore();
        Assert.Empty(await store.ListCheckpointsAsync(CancellationToken.None));
        await store.SaveCheckpointAsync("run-1", ModelBytes(1), CancellationToken.None);
        await store.SaveCheckpointAsync("run-2", ModelBytes(2), CancellationToken.None);

        await store.DeleteCheckpointAsync("run-1", CancellationToken.None);

        Assert.Equal(["run-2"], await store.ListCheckpointsAsync(CancellationToken.None));
    }
}
