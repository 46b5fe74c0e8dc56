using Digit.Backend.Runs;
using Microsoft.Extensions.Time.Testing;

namespace Digit.Backend.Tests.Runs;

/// <summary>The behaviour every <see cref="IRunStore"/> shares; one concrete test class per implementation.</summary>
public abstract class RunStoreContract
{
    protected static readonly DateTimeOffset Start = new(2025, 3, 1, 10, 15, 2, 117, TimeSpan.Zero);
    protected static readonly TimeSpan LongLease = TimeSpan.FromMinutes(10);
    protected static readonly TimeSpan ShortLease = TimeSpan.FromMilliseconds(300);
    private static readonly CancellationToken None = CancellationToken.None;

    /// <summary>Drives the stores' timestamps (and, for the in-memory store, lease expiry).</summary>
    protected FakeTimeProvider Time { get; } = new(Start);

    /// <summary>This test's store.</summary>
    protected abstract IRunStore Store { get; }

    /// <summary>Stores over this test's state that compete as separate processes would (separate connections).</summary>
    protected abstract Task<IReadOnlyList<IRunStore>> CreateCompetingStoresAsync(int count);

    /// <summary>Lets <paramref name="duration"/> pass for the stores' leases (and advances <see cref="Time"/>).</summary>
    protected abstract Task LetTimePassAsync(TimeSpan duration);

    private Task<bool> BeginAsync(string runId, int maxEpochs = 3, TimeSpan? lease = null) =>
        Store.TryBeginAsync(Input(runId, maxEpochs), lease ?? LongLease, None);

    private static RetrainInput Input(string runId, int epochs = 3) => new(runId, epochs, 64, 42);

    [Fact]
    public async Task GetStatusAsync_NoRunEver_ReturnsNotStarted()
    {
        Assert.Equal(TrainingStatus.NotStarted, await Store.GetStatusAsync(None));
        Assert.Null(await Store.GetActiveRunIdAsync(None));
        Assert.Null(await Store.GetProgressAsync(None));
    }

    [Fact]
    public async Task TryBeginAsync_NoActiveRun_StartsTheRunInProgress()
    {
        Assert.True(await BeginAsync("run-1", maxEpochs: 5));

        Assert.Equal("run-1", await Store.GetActiveRunIdAsync(None));
        Assert.Equal(TrainingStatus.InProgress, await Store.GetStatusAsync(None));
        Assert.Equal(TrainingProgress.Starting(5), await Store.GetProgressAsync(None));
        Assert.Equal(
            new TrainingRun(Input("run-1", 5), TrainingStatus.InProgress, Start, Start, TrainingProgress.Starting(5), null, null, null),
            await Store.GetRunAsync("run-1", None));
    }

    [Fact]
    public async Task TryBeginAsync_RunActive_ReturnsFalseAndRecordsNothing()
    {
        await BeginAsync("run-1");

        Assert.False(await BeginAsync("run-2"));

        Assert.Equal("run-1", await Store.GetActiveRunIdAsync(None));
        Assert.Null(await Store.GetRunAsync("run-2", None));
    }

    [Fact]
    public async Task TryBeginAsync_FiftyConcurrentCalls_ExactlyOneWins()
    {
        var stores = await CreateCompetingStoresAsync(5);
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var attempts = Enumerable.Range(0, 50).Select(i => Task.Run(async () =>
        {
            await go.Task;
            return await stores[i % stores.Count].TryBeginAsync(Input($"run-{i}"), LongLease, None);
        })).ToArray();
        go.SetResult();
        var results = await Task.WhenAll(attempts);

        Assert.Single(results, won => won);
        Assert.Equal($"run-{Array.IndexOf(results, true)}", await Store.GetActiveRunIdAsync(None));
    }

    [Fact]
    public async Task TryBeginAsync_AfterThePreviousEnded_StartsTheNextWithTheStopCleared()
    {
        await BeginAsync("run-1");
        await Store.RequestStopAsync(None);
        await Store.FinishAsync("run-1", new RunEnd(TrainingStatus.Interrupted, "Stopped by user"), None);

        Assert.True(await BeginAsync("run-2"));

        Assert.Equal(RunSignal.Continue, await Store.HeartbeatAsync("run-2", null, None));
        Assert.Equal(TrainingStatus.Interrupted, (await Store.GetRunAsync("run-1", None))?.Status);
    }

    [Fact]
    public async Task TryBeginAsync_AnEndedRunsIdAgain_IsRefused()
    {
        // Every run has a fresh id; an id that was used cannot start a second run (and inherit its checkpoint).
        await BeginAsync("run-1");
        await Store.FinishAsync("run-1", new RunEnd(TrainingStatus.Completed, "done", 0.99), None);

        Assert.False(await BeginAsync("run-1"));

        Assert.Equal(TrainingStatus.Completed, (await Store.GetRunAsync("run-1", None))?.Status);
    }

    [Fact]
    public async Task HeartbeatAsync_ActiveRun_RecordsProgressAndTimeAndSaysContinue()
    {
        await BeginAsync("run-1");
        Time.Advance(TimeSpan.FromSeconds(30));
        var progress = new TrainingProgress(3, 42.6, 1, 0.9831);

        Assert.Equal(RunSignal.Continue, await Store.HeartbeatAsync("run-1", progress, None));

        Assert.Equal(progress, await Store.GetProgressAsync(None));
        var run = await Store.GetRunAsync("run-1", None);
        Assert.Equal(progress, run!.Progress);
        Assert.Equal(Start, run.CreatedTime);
        Assert.Equal(Start.AddSeconds(30), run.LastUpdatedTime);
    }

    [Fact]
    public async Task HeartbeatAsync_StopRequested_SaysStopRequested()
    {
        await BeginAsync("run-1");

        Assert.Equal("run-1", await Store.RequestStopAsync(None));

        Assert.Equal(RunSignal.StopRequested, await Store.HeartbeatAsync("run-1", null, None));
        Assert.Equal(TrainingStatus.InProgress, await Store.GetStatusAsync(None));
    }

    [Fact]
    public async Task HeartbeatAsync_RunEnded_SaysNotOwnerAndChangesNothing()
    {
        await BeginAsync("run-1");
        var last = new TrainingProgress(3, 100, 3, 0.991);
        await Store.HeartbeatAsync("run-1", last, None);
        await Store.FinishAsync("run-1", new RunEnd(TrainingStatus.Completed, null, 0.991), None);

        Assert.Equal(RunSignal.NotOwner, await Store.HeartbeatAsync("run-1", new TrainingProgress(3, 5, 0, null), None));

        Assert.Null(await Store.GetProgressAsync(None));
        var run = await Store.GetRunAsync("run-1", None);
        Assert.Equal(last, run!.Progress);
        Assert.Equal(TrainingStatus.Completed, run.Status);
    }

    [Fact]
    public async Task HeartbeatAsync_AnotherRunIsActive_SaysNotOwnerAndChangesNothing()
    {
        await BeginAsync("run-1");

        Assert.Equal(RunSignal.NotOwner, await Store.HeartbeatAsync("run-0", new TrainingProgress(3, 50, 2, 0.97), None));

        Assert.Equal(TrainingProgress.Starting(3), await Store.GetProgressAsync(None));
        Assert.Null(await Store.GetRunAsync("run-0", None));
    }

    [Fact]
    public async Task RequestStopAsync_NoActiveRun_ReturnsNull()
    {
        Assert.Null(await Store.RequestStopAsync(None));

        await BeginAsync("run-1");
        await Store.FinishAsync("run-1", new RunEnd(TrainingStatus.Completed, null), None);

        Assert.Null(await Store.RequestStopAsync(None));
    }

    [Fact]
    public async Task FinishAsync_ActiveRun_RecordsTheEndAndFreesTheSlot()
    {
        await BeginAsync("run-1");
        Time.Advance(TimeSpan.FromMinutes(2));

        Assert.True(await Store.FinishAsync("run-1", new RunEnd(TrainingStatus.Completed, "Model published", 0.9912, "v-1"), None));

        Assert.Null(await Store.GetActiveRunIdAsync(None));
        Assert.Null(await Store.GetProgressAsync(None));
        Assert.Equal(TrainingStatus.Completed, await Store.GetStatusAsync(None));
        var run = await Store.GetRunAsync("run-1", None);
        Assert.Equal(TrainingStatus.Completed, run!.Status);
        Assert.Equal("Model published", run.Message);
        Assert.Equal(0.9912, run.Accuracy);
        Assert.Equal("v-1", run.ModelVersion);
        Assert.Equal(Start.AddMinutes(2), run.LastUpdatedTime);
    }

    [Fact]
    public async Task FinishAsync_Twice_TheSecondIsRefusedAndTheFirstEndStands()
    {
        await BeginAsync("run-1");
        Assert.True(await Store.FinishAsync("run-1", new RunEnd(TrainingStatus.Error, "Out of memory"), None));

        Assert.False(await Store.FinishAsync("run-1", new RunEnd(TrainingStatus.Completed, null, 0.99), None));

        var run = await Store.GetRunAsync("run-1", None);
        Assert.Equal(TrainingStatus.Error, run!.Status);
        Assert.Equal("Out of memory", run.Message);
        Assert.Null(run.Accuracy);
    }

    [Fact]
    public async Task FinishAsync_AnotherRunIsActive_IsRefused()
    {
        await BeginAsync("run-2");

        Assert.False(await Store.FinishAsync("run-1", new RunEnd(TrainingStatus.Interrupted, "late"), None));

        Assert.Equal("run-2", await Store.GetActiveRunIdAsync(None));
        Assert.Equal(TrainingStatus.InProgress, await Store.GetStatusAsync(None));
    }

    [Theory]
    [InlineData(TrainingStatus.NotStarted)]
    [InlineData(TrainingStatus.InProgress)]
    public async Task FinishAsync_StatusNotFinal_ThrowsAndKeepsTheRunActive(TrainingStatus status)
    {
        await BeginAsync("run-1");

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.FinishAsync("run-1", new RunEnd(status, null), None));

        Assert.Equal("run-1", await Store.GetActiveRunIdAsync(None));
    }

    [Fact]
    public async Task GetRunAsync_UnknownRun_ReturnsNull()
    {
        Assert.Null(await Store.GetRunAsync("nope", None));
    }

    [Fact]
    public async Task RecoverAbandonedRunAsync_NoActiveRun_ReturnsNull()
    {
        Assert.Null(await Store.RecoverAbandonedRunAsync("gone", None));
    }

    [Fact]
    public async Task RecoverAbandonedRunAsync_LeaseHeld_ReturnsNullAndKeepsTheRun()
    {
        await BeginAsync("run-1", lease: LongLease);

        Assert.Null(await Store.RecoverAbandonedRunAsync("gone", None));

        Assert.Equal("run-1", await Store.GetActiveRunIdAsync(None));
    }

    [Fact]
    public async Task RecoverAbandonedRunAsync_LeaseRanOut_EndsTheRunInterruptedExactlyOnce()
    {
        await BeginAsync("run-1", lease: ShortLease);
        await LetTimePassAsync(ShortLease * 2);

        Assert.Equal("run-1", await Store.RecoverAbandonedRunAsync("no heartbeat", None));

        Assert.Null(await Store.GetActiveRunIdAsync(None));
        Assert.Equal(TrainingStatus.Interrupted, await Store.GetStatusAsync(None));
        var run = await Store.GetRunAsync("run-1", None);
        Assert.Equal(TrainingStatus.Interrupted, run!.Status);
        Assert.Equal("no heartbeat", run.Message);
        Assert.Null(await Store.RecoverAbandonedRunAsync("again", None));
        Assert.False(await Store.FinishAsync("run-1", new RunEnd(TrainingStatus.Completed, null, 0.99), None));
        Assert.Equal(RunSignal.NotOwner, await Store.HeartbeatAsync("run-1", null, None));
        Assert.True(await BeginAsync("run-2"));
    }

    [Fact]
    public async Task HeartbeatAsync_BeforeTheLeaseRunsOut_RenewsIt()
    {
        var lease = TimeSpan.FromSeconds(1);
        await BeginAsync("run-1", lease: lease);

        await LetTimePassAsync(lease * 0.6);
        await Store.HeartbeatAsync("run-1", null, None);
        await LetTimePassAsync(lease * 0.6);

        Assert.Null(await Store.RecoverAbandonedRunAsync("gone", None));
        await LetTimePassAsync(lease);
        Assert.Equal("run-1", await Store.RecoverAbandonedRunAsync("gone", None));
    }

    [Fact]
    public async Task HeartbeatAsync_AfterTheLeaseRanOutButBeforeTheSweep_KeepsTheRun()
    {
        // A worker that was slow (or cut off briefly) but is alive keeps its run if nobody ended it meanwhile.
        await BeginAsync("run-1", lease: ShortLease);
        await LetTimePassAsync(ShortLease * 2);

        Assert.Equal(RunSignal.Continue, await Store.HeartbeatAsync("run-1", null, None));

        Assert.Null(await Store.RecoverAbandonedRunAsync("gone", None));
        Assert.Equal("run-1", await Store.GetActiveRunIdAsync(None));
    }
}
