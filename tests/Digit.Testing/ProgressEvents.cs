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
        var events = new List<Event>();
        await ReadEventsAsync(response, events, cancel.Token);
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
            await ReadEventsAsync(response, events, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The caller stopped listening.
        }
    }

    public static bool IsClose(this Event e) =>
        e.Data.TryGetProperty("event", out var name) && name.GetString() == "close";

    // Events are added under a lock on the list: a caller of ReadAsync reads it while events arrive.
    private static async Task ReadEventsAsync(HttpResponseMessage response, List<Event> events, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                var at = clock.Elapsed;
                var data = JsonDocument.Parse(line["data: ".Length..]).RootElement.Clone();
                lock (events)
                {
                    events.Add(new Event(at, data));
                }
            }
        }
    }
}
