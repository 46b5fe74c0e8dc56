using Digit.Inference.Prediction;

namespace Digit.Inference.Tests.Prediction;

public sealed class DecodeTurnsTests
{
    [Fact]
    public async Task TakeAsync_WhileAnotherClaimHoldsTheTurn_WaitsUntilItIsDisposed()
    {
        var turns = new DecodeTurns();
        var first = turns.NewClaim();
        using var second = turns.NewClaim();
        await first.TakeAsync(CancellationToken.None);

        var waiting = second.TakeAsync(CancellationToken.None).AsTask();
        var waitedBeforeRelease = !waiting.IsCompleted;
        first.Dispose();
        await waiting;

        Assert.True(waitedBeforeRelease);
    }

    [Fact]
    public async Task TakeAsync_Twice_HoldsOneTurnThatDisposeGivesBack()
    {
        var turns = new DecodeTurns();
        var claim = turns.NewClaim();
        await claim.TakeAsync(CancellationToken.None);
        await claim.TakeAsync(CancellationToken.None);
        claim.Dispose();
        claim.Dispose();

        using var next = turns.NewClaim();
        using var after = turns.NewClaim();
        await next.TakeAsync(CancellationToken.None);
        var afterWaits = !after.TakeAsync(CancellationToken.None).IsCompleted;

        Assert.True(afterWaits, "the turn was given back twice, so two claims held it at once");
    }

    [Fact]
    public async Task Dispose_OfAClaimThatNeverTookTheTurn_GivesNothingBack()
    {
        var turns = new DecodeTurns();
        turns.NewClaim().Dispose();
        using var holder = turns.NewClaim();
        using var other = turns.NewClaim();

        await holder.TakeAsync(CancellationToken.None);
        var otherWaits = !other.TakeAsync(CancellationToken.None).IsCompleted;

        Assert.True(otherWaits);
    }

    [Fact]
    public async Task TakeAsync_CancelledWhileWaiting_ThrowsAndHoldsNothing()
    {
        var turns = new DecodeTurns();
        using var holder = turns.NewClaim();
        await holder.TakeAsync(CancellationToken.None);
        using var cancellation = new CancellationTokenSource();
        var cancelled = turns.NewClaim();

        var waiting = cancelled.TakeAsync(cancellation.Token).AsTask();
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        cancelled.Dispose();
        holder.Dispose();
        using var next = turns.NewClaim();
        using var after = turns.NewClaim();
        await next.TakeAsync(CancellationToken.None);
        Assert.False(after.TakeAsync(CancellationToken.None).IsCompleted);
    }
}
