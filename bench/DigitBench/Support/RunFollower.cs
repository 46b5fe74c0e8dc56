using System.Diagnostics;
using System.Net;
using Digit.Testing;

namespace Digit.Bench.Support;

/// <summary>A retrain run started over HTTP and followed on the progress stream to its close event.</summary>
internal sealed record FollowedRun(long AcceptedAt, long ClosedAt, string Reason, int Events, double LongestGapSeconds)
{
    /// <summary>Seconds from the 202 to the close event.</summary>
    public double Seconds => Stopwatch.GetElapsedTime(AcceptedAt, ClosedAt).TotalSeconds;
}

/// <summary>Starts runs the way the frontend does and follows them to their end.</summary>
internal static class RunFollower
{
    private static readonly TimeSpan LongestRun = TimeSpan.FromMinutes(10);

    /// <summary>Starts a run and reads the progress stream until it closes.</summary>
    public static async Task<FollowedRun> StartAndFollowAsync(HttpClient client, CancellationToken cancellationToken)
    {
        using (var started = await client.PostAsync("/api/retrain_model/", null, cancellationToken))
        {
            if (started.StatusCode != HttpStatusCode.Accepted)
            {
                throw new InvalidOperationException($"POST /api/retrain_model/ answered {(int)started.StatusCode}: {await started.Content.ReadAsStringAsync(cancellationToken)}");
            }
        }
        var acceptedAt = Stopwatch.GetTimestamp();
        using var streamClient = new HttpClient { BaseAddress = client.BaseAddress, Timeout = LongestRun };
        var events = await ProgressEvents.ReadAllAsync(streamClient, LongestRun);
        // The server ends the stream right after the close event.
        var closedAt = Stopwatch.GetTimestamp();
        var close = events.LastOrDefault(e => e.IsClose()) ?? throw new InvalidOperationException("The progress stream ended without a close event.");
        var longestGap = events.Select((e, i) => (e.At - (i == 0 ? TimeSpan.Zero : events[i - 1].At)).TotalSeconds).DefaultIfEmpty(0).Max();
        return new FollowedRun(acceptedAt, closedAt, close.Data.GetProperty("reason").GetString()!, events.Count, longestGap);
    }
}
