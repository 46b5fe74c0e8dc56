using Digit.Inference.Corrections;

namespace Digit.Inference.Tests.Corrections;

/// <summary>The behaviour every <see cref="ICorrectionStore"/> shares; one concrete test class per implementation.</summary>
public abstract class CorrectionStoreContract
{
    protected static readonly DateTimeOffset Received = new(2026, 12, 7, 1, 30, 15, 250, TimeSpan.Zero);

    /// <summary>A store over this test's storage; every call gives a new instance over the same storage.</summary>
    protected abstract ICorrectionStore CreateStore();

    /// <summary>A correction of a random image from <paramref name="seed"/>.</summary>
    protected static Correction NewCorrection(int seed, int label = 7, string? modelVersion = "20250301T101502117Z-0001", int? predicted = 1)
    {
        var pixels = new byte[CorrectionIds.PixelCount];
        new Random(seed).NextBytes(pixels);
        return CorrectionIds.Create(pixels, label, Received.AddSeconds(seed), modelVersion, predicted);
    }

    [Fact]
    public async Task ListAsync_NothingStored_IsEmptyAndCountIsZero()
    {
        var store = CreateStore();

        Assert.Empty(await store.ListAsync(CancellationToken.None));
        Assert.Empty(await store.ListIdsAsync(CancellationToken.None));
        Assert.Equal(0, await store.CountAsync(CancellationToken.None));
        Assert.Null(await store.GetAsync(NewCorrection(1).Id, CancellationToken.None));
    }

    [Fact]
    public async Task AddAsync_NewCorrection_IsCreatedAndReadsBackWhole()
    {
        var correction = NewCorrection(1);

        var (stored, created) = await CreateStore().AddAsync(correction, CancellationToken.None);

        Assert.True(created);
        AssertSame(correction, stored);
        AssertSame(correction, await CreateStore().GetAsync(correction.Id, CancellationToken.None));
        AssertSame(correction, Assert.Single(await CreateStore().ListAsync(CancellationToken.None)));
    }

    [Fact]
    public async Task AddAsync_WithoutModelOrPrediction_RoundTripsNulls()
    {
        var correction = NewCorrection(2, modelVersion: null, predicted: null);

        await CreateStore().AddAsync(correction, CancellationToken.None);

        AssertSame(correction, await CreateStore().GetAsync(correction.Id, CancellationToken.None));
    }

    [Fact]
    public async Task AddAsync_SameIdAgain_KeepsTheRecordWithTheNewLabelAndStoresOne()
    {
        var store = CreateStore();
        var first = NewCorrection(3, label: 7);
        await store.AddAsync(first, CancellationToken.None);
        var again = first with { Label = 1, ReceivedAt = Received.AddDays(1), ModelVersion = "20260101T000000000Z-0001", Predicted = 4 };

        var (stored, created) = await CreateStore().AddAsync(again, CancellationToken.None);

        Assert.False(created);
        AssertSame(first with { Label = 1 }, stored);
        AssertSame(first with { Label = 1 }, Assert.Single(await store.ListAsync(CancellationToken.None)));
        Assert.Equal(1, await store.CountAsync(CancellationToken.None));
    }

    [Fact]
    public async Task AddAsync_SameDrawingAndLabelAgain_IsNotCreated()
    {
        var store = CreateStore();
        await store.AddAsync(NewCorrection(4), CancellationToken.None);

        var (stored, created) = await store.AddAsync(NewCorrection(4), CancellationToken.None);

        Assert.False(created);
        AssertSame(NewCorrection(4), stored);
    }

    [Fact]
    public async Task AddAsync_TwentyAtOnce_AllStored()
    {
        var corrections = Enumerable.Range(10, 20).Select(seed => NewCorrection(seed, label: seed % 10)).ToArray();

        var results = await Task.WhenAll(corrections.Select(correction => CreateStore().AddAsync(correction, CancellationToken.None)));

        Assert.All(results, result => Assert.True(result.Created));
        Assert.Equal(20, await CreateStore().CountAsync(CancellationToken.None));
    }

    [Fact]
    public async Task ListAsync_Several_AreOrderedByIdWithEveryField()
    {
        var store = CreateStore();
        var corrections = Enumerable.Range(20, 12).Select(seed => NewCorrection(seed, label: seed % 10, predicted: seed % 3)).ToArray();
        foreach (var correction in corrections)
        {
            await store.AddAsync(correction, CancellationToken.None);
        }

        var listed = await CreateStore().ListAsync(CancellationToken.None);

        var expected = corrections.OrderBy(correction => correction.Id, StringComparer.Ordinal).ToArray();
        Assert.Equal(expected.Length, listed.Count);
        for (var i = 0; i < expected.Length; i++)
        {
            AssertSame(expected[i], listed[i]);
        }
        Assert.Equal(12, await store.CountAsync(CancellationToken.None));
        Assert.Equal(expected.Select(correction => correction.Id), await CreateStore().ListIdsAsync(CancellationToken.None));
    }

    [Fact]
    public async Task DeleteAsync_StoredCorrection_IsGoneAndASecondDeleteIsFalse()
    {
        var store = CreateStore();
        var kept = NewCorrection(30);
        var removed = NewCorrection(31);
        await store.AddAsync(kept, CancellationToken.None);
        await store.AddAsync(removed, CancellationToken.None);

        Assert.True(await store.DeleteAsync(removed.Id, CancellationToken.None));
        Assert.False(await CreateStore().DeleteAsync(removed.Id, CancellationToken.None));

        Assert.Null(await store.GetAsync(removed.Id, CancellationToken.None));
        AssertSame(kept, Assert.Single(await store.ListAsync(CancellationToken.None)));
        Assert.Equal(1, await store.CountAsync(CancellationToken.None));
    }

    [Fact]
    public async Task DeleteAsync_ThenAddAgain_IsCreatedAgain()
    {
        var store = CreateStore();
        await store.AddAsync(NewCorrection(32), CancellationToken.None);
        await store.DeleteAsync(NewCorrection(32).Id, CancellationToken.None);

        var (_, created) = await store.AddAsync(NewCorrection(32), CancellationToken.None);

        Assert.True(created);
    }

    [Theory]
    [InlineData("")]
    [InlineData("../current.json")]
    [InlineData("0123456789ABCDEF0123456789ABCDEF")]
    [InlineData("0123456789abcdef0123456789abcde")]
    public async Task DeleteAndGet_MalformedOrUnknownId_FindNothing(string id)
    {
        var store = CreateStore();
        await store.AddAsync(NewCorrection(33), CancellationToken.None);

        Assert.False(await store.DeleteAsync(id, CancellationToken.None));
        Assert.Null(await store.GetAsync(id, CancellationToken.None));
        Assert.Equal(1, await store.CountAsync(CancellationToken.None));
    }

    [Fact]
    public async Task AddAsync_ImageOfTheWrongSize_IsRefused()
    {
        var correction = NewCorrection(34) with { Pixels = new byte[100] };

        await Assert.ThrowsAsync<ArgumentException>(() => CreateStore().AddAsync(correction, CancellationToken.None));
        Assert.Equal(0, await CreateStore().CountAsync(CancellationToken.None));
    }

    protected static void AssertSame(Correction expected, Correction? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.Id, actual.Id);
        Assert.Equal(expected.Pixels, actual.Pixels);
        Assert.Equal(expected.Label, actual.Label);
        Assert.Equal(expected.ReceivedAt, actual.ReceivedAt);
        Assert.Equal(expected.ModelVersion, actual.ModelVersion);
        Assert.Equal(expected.Predicted, actual.Predicted);
        Assert.Equal(expected.HeldOut, actual.HeldOut);
    }
}
