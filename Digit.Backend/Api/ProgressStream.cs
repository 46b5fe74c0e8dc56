using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using Digit.Backend.Runs;

namespace Digit.Backend.Api;

/// <summary>
/// GET /api/progress/'s events, for <c>TypedResults.ServerSentEvents</c>: the progress object every interval while a
/// run is in progress, then <c>{"event":"close","reason":"&lt;status&gt;"}</c> and the end of the stream. While the
/// run store cannot be reached the stream goes on with the last progress it knew, marked <c>"stale": true</c>, and
/// closes only on a real end.
/// </summary>
public sealed class ProgressStream(IRunStore runs, LastKnownProgress lastKnown, TimeProvider time)
{
    /// <summary>Time between two events: well inside the second the contract allows.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(400);

    /// <summary>
    /// The reconnection time the first event sets. Should the connection drop (Azure ends HTTP responses after
    /// 230 s), EventSource reconnects after 1 s instead of its default 3 s: well inside the 5 s the frontend waits.
    /// </summary>
    public static readonly TimeSpan Reconnection = TimeSpan.FromSeconds(1);

    /// <summary>The events until the run ends or <paramref name="cancellationToken"/> (the client left) is cancelled.</summary>
    public async IAsyncEnumerable<SseItem<object>> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // A timer, not a delay after each event, so slow reads under load do not stretch the interval.
        using var timer = new PeriodicTimer(Interval, time);
        var first = true;
        while (true)
        {
            var (payload, last) = await NextAsync(cancellationToken);
            if (payload is not null)
            {
                yield return new SseItem<object>(payload) { ReconnectionInterval = first ? Reconnection : null };
                first = false;
            }
            if (last || !await NextTickAsync(timer, cancellationToken))
            {
                yield break;
            }
        }
    }

    /// <summary>The next event (none while a run has begun but sent no progress yet), and whether it is the close event.</summary>
    private async Task<(object? Payload, bool Last)> NextAsync(CancellationToken cancellationToken)
    {
        try
        {
            // Progress first: it is only there while the run is in progress, so a run that ends between the two
            // reads is seen as ended at once, and no tick passes without an event.
            var progress = await runs.GetProgressAsync(cancellationToken);
            lastKnown.Remember(progress);
            if (progress is not null)
            {
                return (ProgressResponse.From(progress), false);
            }
            var latest = await runs.GetLatestRunAsync(cancellationToken);
            var status = latest?.Status ?? TrainingStatus.NotStarted;
            return status != TrainingStatus.InProgress
                ? (new CloseEvent("close", status.ToContractName()) { Message = latest?.Message }, true)
                : (null, false);
        }
        catch (RunStoreUnavailableException)
        {
            return (lastKnown.Value is { } known ? ProgressResponse.From(known, stale: true) : new { stale = true }, false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return (null, true); // The client went away.
        }
    }

    /// <summary>Waits for the next tick; false once the client went away, so the stream ends without an error.</summary>
    private static async Task<bool> NextTickAsync(PeriodicTimer timer, CancellationToken cancellationToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}
