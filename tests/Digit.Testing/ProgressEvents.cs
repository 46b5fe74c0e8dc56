using System.Text.Json;

namespace Digit.Testing;

/// <summary>Reads GET /api/progress/ as an EventSource would: each <c>data:</c> line is one JSON event.</summary>
public static class ProgressEvents
{
    public sealed record Event(TimeSpan At, JsonElement Data);

    /// <summary>All events until the stream ends (after the close event), with when each arrived.</summary>
    public static async Task<IReadOnlyList<Event>> ReadAllAsync(HttpClient client, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/progress/");
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancel.Token);
        response.EnsureSuccessStatusCode();
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("no-cache", response.Headers.CacheControl?.ToString());
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancel.Token));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var events = new List<Event>();
        while (await reader.ReadLineAsync(cancel.Token) is { } line)
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                events.Add(new Event(clock.Elapsed, JsonDocument.Parse(line["data: ".Length..]).RootElement.Clone()));
            }
        }
        return events;
    }

    /// <summary>Adds each event to <paramref name="events"/> as it arrives, until the stream ends or <paramref name="cancellationToken"/> fires.</summary>
    public static async Task ReadAsync(HttpClient client, List<Event> events, CancellationToken cancellationToken)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/progress/");
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            response.EnsureSuccessStatusCode();
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (await reader.ReadLineAsync(cancellationToken) is { } line)
            {
                if (line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    lock (events)
                    {
                        events.Add(new Event(clock.Elapsed, JsonDocument.Parse(line["data: ".Length..]).RootElement.Clone()));
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The caller stopped listening.
        }
    }

    public static bool IsClose(this Event e) =>
        e.Data.TryGetProperty("event", out var name) && name.GetString() == "close";
}
