using System.Diagnostics;
using System.Net;
using System.Text.Json;

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
    /// <summary>Starts a run and follows the progress stream to its close event.</summary>
    public static async Task<FollowedRun> StartAndFollowAsync(HttpClient client, CancellationToken cancellationToken)
    {
        using var started = await client.PostAsync("/api/retrain_model/", null, cancellationToken);
        var acceptedAt = Stopwatch.GetTimestamp();
        if (started.StatusCode != HttpStatusCode.Accepted)
        {
            throw new InvalidOperationException($"POST /api/retrain_model/ answered {(int)started.StatusCode}: {await started.Content.ReadAsStringAsync(cancellationToken)}");
        }
        using var streamClient = new HttpClient { BaseAddress = client.BaseAddress, Timeout = TimeSpan.FromMinutes(10) };
        using var response = await streamClient.GetAsync("/api/progress/", HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
        var events = 0;
        var last = Stopwatch.GetTimestamp();
        var longestGap = 0.0;
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (!line.StartsWith("data:", StringComparison.Ordinal))
            {
                continue;
            }
            var now = Stopwatch.GetTimestamp();
            longestGap = Math.Max(longestGap, Stopwatch.GetElapsedTime(last, now).TotalSeconds);
            last = now;
            events++;
            using var data = JsonDocument.Parse(line["data:".Length..]);
            if (data.RootElement.TryGetProperty("event", out var kind) && kind.GetString() == "close")
            {
                return new FollowedRun(acceptedAt, now, data.RootElement.GetProperty("reason").GetString()!, events, longestGap);
            }
        }
        throw new InvalidOperationException("The progress stream ended without a close event.");
    }
}
