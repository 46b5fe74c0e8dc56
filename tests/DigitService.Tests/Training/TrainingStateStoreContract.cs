using Digit.Service.Training;
using Microsoft.Extensions.Time.Testing;

namespace Digit.Service.Tests.Training;

/// <summary>The behaviour every <see cref="ITrainingStateStore"/> shares; one concrete test class per implementation.</summary>
public abstract class TrainingStateStoreContract
{
    protected static readonly DateTimeOffset Start = new(2025, 3, 1, 10, 15, 2, 117, TimeSpan.Zero);
    protected static readonly TimeSpan LongLease = TimeSpan.FromMinutes(10);
    protected static readonly TimeSpan ShortLease = TimeSpan.FromMilliseconds(300);

    /// <summary>Drives the stores' timestamps (and, for the in-memory store, lease expiry).</summary>
    protected FakeTimeProvider Time { get; } = new(Start);

    /// <summary>This test's store.</summary>
    protected abstract ITrainingStateStore Store { get; }

    /// <summary>Stores over this test's state that compete as separate processes would (separate connections).</summary>
    protected abstract Task<IReadOnlyList<ITrainingStateStore>> CreateCompetingStoresAsync(int count);

    /// <summary>Lets <paramref name="duration"/> pass for the stores' leases (and advances <see cref="Time"/>).</summary>
    protected abstract Task LetTimePassAsync(TimeSpan duration);

    private Task<bool> BeginAsync(string runId, int maxEpochs = 3, TimeSpan? lease = null) =>
        Store.TryBeginRunAsync(runId, maxEpochs, "worker-1", lease ?? LongLease, CancellationToken.None);

    [Fact]
    public async Task GetStatusAsync_NoRunEver_ReturnsNotStarted()
    {
        Assert.Equal(TrainingStatus.NotStarted, await Store.GetStatusAsync(CancellationToken.None));
        Assert.Null(await Store.GetActiveRunIdAsync(CancellationToken.None));
        Assert.Null(await Store.GetProgressAsync(CancellationToken.None));
    }

    [Fact]
    public async Task TryBeginRunAsync_NoActiveRun_StartsRunInProgress()
    {
        Assert.True(await BeginAsync("run-1", maxEpochs: 5));

        Assert.Equal("run-1", await Store.GetActiveRunIdAsync(CancellationToken.None));
        Assert.Equal(TrainingStatus.InProgress, await Store.GetStatusAsync(CancellationToken.None));
        Assert.Equal(new TrainingProgress(5, 0, 0, null), await Store.GetProgressAsync(CancellationToken.None));
        Assert.Equal(
            new TrainingRun("run-1", TrainingStatus.InProgress, 5, Start, Start, new TrainingProgress(5, 0, 0, null), null, null),
            await Store.GetRunAsync("run-1", CancellationToken.None));
    }

    [Fact]
    public async Task TryBeginRunAsync_RunActive_ReturnsFalse()
    {
        await BeginAsync("run-1");

        Assert.False(await BeginAsync("run-2"));

        Assert.Equal("run-1", await Store.GetActiveRunIdAsync(CancellationToken.None));
        Assert.Null(await Store.GetRunAsync("run-2", CancellationToken.None));
    }

    [Fact]
    public async Task TryBeginRunAsync_FiftyConcurrentCalls_ExactlyOneWins()
    {
        var stores = await CreateCompetingStoresAsync(5);
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var attempts = Enumerable.Range(0, 50).Select(i => Task.Run(async () =>
        {
            await go.Task;
            return await stores[i % stores.Count].TryBeginRunAsync($"run-{i}", 3, $"worker-{i}", LongLease, CancellationToken.None);
        })).ToArray();
        go.SetResult();
        var results = await Task.WhenAll(attempts);

        Assert.Single(results, won => won);
        var winner = $"run-{Array.IndexOf(results, true)}";
        Assert.Equal(winner, await Store.GetActiveRunIdAsync(CancellationToken.None));
    }

    [Fact]
    public async Task TryBeginRunAsync_AfterPreviousFinished_StartsNextRunWithStopCleared()
    {
        await BeginAsync("run-1");
        await Store.RequestStopAsync(CancellationToken.None);
        await Store.FinishRunAsync("run-1", TrainingStatus.Interrupted, "Stopped by user", null, CancellationToken.None);
        Assert.True(await Store.IsStopRequestedAsync("run-1", CancellationToken.None));

        Assert.True(await BeginAsync("run-2"));

        Assert.Equal("run-2", await Store.GetActiveRunIdAsync(CancellationToken.None));
        Assert.Equal(TrainingStatus.InProgress, await Store.GetStatusAsync(CancellationToken.None));
        Assert.False(await Store.IsStopRequestedAsync("run-2", CancellationToken.None));
        Assert.Equal(TrainingStatus.Interrupted, (await Store.GetRunAsync("run-1", CancellationToken.None))?.Status);
    }

    [Fact]
    public async Task TryBeginRunAsync_FinishedRunIdAgain_StartsItAfresh()
    {
        // The Azure app runs training as a singleton with one fixed instance id, so ids come back.
        await BeginAsync("run-1");
        await Store.FinishRunAsync("run-1", TrainingStatus.Completed, "done", 0.99, CancellationToken.None);

        Assert.True(await BeginAsync("run-1"));

        var run = await Store.GetRunAsync("run-1", CancellationToken.None);
        Assert.Equal(TrainingStatus.InProgress, run?.Status);
        Assert.Null(run?.Message);
        Assert.Null(run?.Accuracy);
    }

    [Fact]
    public async Task SetProgressAsync_ActiveRun_UpdatesProgressAndTime()
    {
        await BeginAsync("run-1");
        Time.Advance(TimeSpan.FromSeconds(30));
        var progress = new TrainingProgress(3, 42.6, 1, "98.31");

        await Store.SetProgressAsync("run-1", progress, CancellationToken.None);

        Assert.Equal(progress, await Store.GetProgressAsync(CancellationToken.None));
        var run = await Store.GetRunAsync("run-1", CancellationToken.None);
        Assert.NotNull(run);
        Assert.Equal(progress, run.Progress);
        Assert.Equal(Start, run.CreatedTime);
        Assert.Equal(Start.AddSeconds(30), run.LastUpdatedTime);
    }

    [Fact]
    public async Task SetProgressAsync_RunFinished_IsIgnored()
    {
        await BeginAsync("run-1");
        var last = new TrainingProgress(3, 100, 3, "99.10");
        await Store.SetProgressAsync("run-1", last, CancellationToken.None);
        await Store.FinishRunAsync("run-1", TrainingStatus.Completed, null, 0.991, CancellationToken.None);

        await Store.SetProgressAsync("run-1", new TrainingProgress(3, 5, 0, null), CancellationToken.None);

        Assert.Null(await Store.GetProgressAsync(CancellationToken.None));
        var run = await Store.GetRunAsync("run-1", CancellationToken.None);
        Assert.NotNull(run);
        Assert.Equal(last, run.Progress);
        Assert.Equal(TrainingStatus.Completed, run.Status);
    }

    [Fact]
    public async Task SetProgressAsync_OtherThanActiveRun_IsIgnored()
    {
        await BeginAsync("run-1");

        await Store.SetProgressAsync("run-0", new TrainingProgress(3, 50, 2, "97.00"), CancellationToken.None);

        Assert.Equal(new TrainingProgress(3, 0, 0, null), await Store.GetProgressAsync(CancellationToken.None));
        Assert.Null(await Store.GetRunAsync("run-0", CancellationToken.None));
    }

    [Fact]
    public async Task RequestStopAsync_RunActive_ReturnsItsIdAndRaisesFlag()
    {
        await BeginAsync("run-1");
        Assert.False(await Store.IsStopRequestedAsync("run-1", CancellationToken.None));

        Assert.Equal("run-1", await Store.RequestStopAsync(CancellationToken.None));

        Assert.True(await Store.IsStopRequestedAsync("run-1", CancellationToken.None));
        Assert.False(await Store.IsStopRequestedAsync("run-2", CancellationToken.None));
        Assert.Equal(TrainingStatus.InProgress, await Store.GetStatusAsync(CancellationToken.None));
    }

    [Fact]
    public async Task RequestStopAsync_NoActiveRun_ReturnsNull()
    {
        Assert.Null(await Store.RequestStopAsync(CancellationToken.None));

        await BeginAsync("run-1");
        await Store.FinishRunAsync("run-1", TrainingStatus.Completed, null, null, CancellationToken.None);

        Assert.Null(await Store.RequestStopAsync(CancellationToken.None));
        Assert.False(await Store.IsStopRequestedAsync("run-1", CancellationToken.None));
    }

    [Fact]
    public async Task FinishRunAsync_ActiveRun_RecordsFinalStatusAndFreesSlot()
    {
        await BeginAsync("run-1");
        Time.Advance(TimeSpan.FromMinutes(2));

        Assert.True(await Store.FinishRunAsync("run-1", TrainingStatus.Completed, "Model published", 0.9912, CancellationToken.None));

        Assert.Null(await Store.GetActiveRunIdAsync(CancellationToken.None));
        Assert.Null(await Store.GetProgressAsync(CancellationToken.None));
        Assert.Equal(TrainingStatus.Completed, await Store.GetStatusAsync(CancellationToken.None));
        var run = await Store.GetRunAsync("run-1", CancellationToken.None);
        Assert.NotNull(run);
        Assert.Equal(TrainingStatus.Completed, run.Status);
        Assert.Equal("Model published", run.Message);
        Assert.Equal(0.9912, run.Accuracy);
        Assert.Equal(Start.AddMinutes(2), run.LastUpdatedTime);
    }

    [Fact]
    public async Task FinishRunAsync_Twice_SecondReturnsFalseAndKeepsFirstStatus()
    {
        await BeginAsync("run-1");
        Assert.True(await Store.FinishRunAsync("run-1", TrainingStatus.Error, "Out of memory", null, CancellationToken.None));

        Assert.False(await Store.FinishRunAsync("run-1", TrainingStatus.Completed, null, 0.99, CancellationToken.None));

        var run = await Store.GetRunAsync("run-1", CancellationToken.None);
        Assert.NotNull(run);
        Assert.Equal(TrainingStatus.Error, run.Status);
        Assert.Equal("Out of memory", run.Message);
        Assert.Null(run.Accuracy);
        Assert.Equal(TrainingStatus.Error, await Store.GetStatusAsync(CancellationToken.None));
    }

    [Theory]
    [InlineData(TrainingStatus.NotStarted)]
    [InlineData(TrainingStatus.InProgress)]
    public async Task FinishRunAsync_StatusNotFinal_ThrowsAndKeepsRunActive(TrainingStatus status)
    {
        await BeginAsync("run-1");

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(
            () => Store.FinishRunAsync("run-1", status, null, null, CancellationToken.None));

        Assert.Equal("run-1", await Store.GetActiveRunIdAsync(CancellationToken.None));
    }

    [Fact]
    public async Task GetRunAsync_UnknownRun_ReturnsNull()
    {
        Assert.Null(await Store.GetRunAsync("nope", CancellationToken.None));
    }

    [Fact]
    public async Task RecoverAbandonedRunAsync_NoActiveRun_ReturnsNull()
    {
        Assert.Null(await Store.RecoverAbandonedRunAsync(CancellationToken.None));
    }

    [Fact]
    public async Task RecoverAbandonedRunAsync_LeaseHeld_ReturnsNullAndKeepsRun()
    {
        await BeginAsync("run-1", lease: LongLease);

        Assert.Null(await Store.RecoverAbandonedRunAsync(CancellationToken.None));

        Assert.Equal("run-1", await Store.GetActiveRunIdAsync(CancellationToken.None));
    }

    [Fact]
    public async Task RecoverAbandonedRunAsync_LeaseExpired_FinishesRunAsInterrupted()
    {
        await BeginAsync("run-1", lease: ShortLease);
        await LetTimePassAsync(ShortLease * 2);

        Assert.Equal("run-1", await Store.RecoverAbandonedRunAsync(CancellationToken.None));

        Assert.Null(await Store.GetActiveRunIdAsync(CancellationToken.None));
        Assert.Equal(TrainingStatus.Interrupted, await Store.GetStatusAsync(CancellationToken.None));
        var run = await Store.GetRunAsync("run-1", CancellationToken.None);
        Assert.NotNull(run);
        Assert.Equal(TrainingStatus.Interrupted, run.Status);
        Assert.False(string.IsNullOrEmpty(run.Message));
        Assert.Null(await Store.RecoverAbandonedRunAsync(CancellationToken.None));
        Assert.False(await Store.FinishRunAsync("run-1", TrainingStatus.Completed, null, 0.99, CancellationToken.None));
        Assert.True(await BeginAsync("run-2"));
    }

    [Fact]
    public async Task RenewLeaseAsync_BeforeExpiry_KeepsRunAlive()
    {
        await BeginAsync("run-1", lease: ShortLease);

        await Store.RenewLeaseAsync("run-1", "worker-2", LongLease, CancellationToken.None);
        await LetTimePassAsync(ShortLease * 2);

        Assert.Null(await Store.RecoverAbandonedRunAsync(CancellationToken.None));
        Assert.Equal("run-1", await Store.GetActiveRunIdAsync(CancellationToken.None));
    }

    [Fact]
    public async Task SetProgressAsync_BeforeExpiry_RenewsLease()
    {
        var lease = TimeSpan.FromSeconds(1);
        await BeginAsync("run-1", lease: lease);

        await LetTimePassAsync(lease * 0.6);
        await Store.SetProgressAsync("run-1", new TrainingProgress(3, 50, 0, null), CancellationToken.None);
        await LetTimePassAsync(lease * 0.6);

        Assert.Null(await Store.RecoverAbandonedRunAsync(CancellationToken.None));
        await LetTimePassAsync(lease);
        Assert.Equal("run-1", await Store.RecoverAbandonedRunAsync(CancellationToken.None));
    }

    [Fact]
    public async Task RenewLeaseAsync_RunFinished_DoesNotReviveIt()
    {
        await BeginAsync("run-1");
        await Store.FinishRunAsync("run-1", TrainingStatus.Completed, null, null, CancellationToken.None);

        await Store.RenewLeaseAsync("run-1", "worker-1", LongLease, CancellationToken.None);

        Assert.Null(await Store.GetActiveRunIdAsync(CancellationToken.None));
        Assert.Equal(TrainingStatus.Completed, await Store.GetStatusAsync(CancellationToken.None));
    }
}
