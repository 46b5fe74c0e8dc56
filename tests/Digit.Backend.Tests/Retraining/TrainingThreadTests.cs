using Digit.Backend.Retraining.Steps;

namespace Digit.Backend.Tests.Retraining;

public sealed class TrainingThreadTests
{
    [Fact]
    public async Task RunAsync_ManyPieces_AllRunOnOneThreadThatIsNotAPoolThread()
    {
        using var training = new TrainingThread();

        var threads = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ =>
            training.RunAsync(() => (Environment.CurrentManagedThreadId, Thread.CurrentThread.IsThreadPoolThread), CancellationToken.None)));

        Assert.Single(threads.Distinct());
        Assert.False(threads[0].IsThreadPoolThread);
    }

    [Fact]
    public async Task RunAsync_CancelledBeforeItsTurn_DoesNotRun()
    {
        using var training = new TrainingThread();
        using var release = new ManualResetEventSlim();
        var busy = training.RunAsync(() => release.Wait(TimeSpan.FromSeconds(30)), CancellationToken.None);
        using var cancel = new CancellationTokenSource();
        var ran = false;

        var queued = training.RunAsync(() => ran = true, cancel.Token);
        cancel.Cancel();
        release.Set();

        await busy;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queued);
        Assert.False(ran);
    }

    [Fact]
    public async Task RunAsync_WorkThrows_TheTaskFailsAndTheThreadGoesOn()
    {
        using var training = new TrainingThread();

        var failing = training.RunAsync<int>(() => throw new InvalidOperationException("broken"), CancellationToken.None);

        Assert.Equal("broken", (await Assert.ThrowsAsync<InvalidOperationException>(() => failing)).Message);
        Assert.Equal(2, await training.RunAsync(() => 2, CancellationToken.None));
    }
}
