using System.Diagnostics;

namespace Digit.Bench.Support;

/// <summary>A few clients posting payload (a) one request after another with a short pause, recording when each started and took.</summary>
internal sealed class PredictionClients : IAsyncDisposable
{
    private readonly HttpClient _client;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task[] _workers;
    private readonly Lock _lock = new();
    private readonly List<(long Start, long Ticks, bool Ok)> _samples = [];

    public PredictionClients(Uri baseAddress, byte[] body, int clients, int pauseMs)
    {
        _client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        _workers = Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                var start = Stopwatch.GetTimestamp();
                bool ok;
                try
                {
                    using var content = new ByteArrayContent(body) { Headers = { ContentType = new("application/json") } };
                    using var response = await _client.PostAsync("/api/drawing/", content, _stop.Token);
                    await response.Content.ReadAsByteArrayAsync(_stop.Token);
                    ok = response.IsSuccessStatusCode;
                }
                catch (OperationCanceledException) when (_stop.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException)
                {
                    ok = false; // refused, reset or timed out
                }
                var ticks = Stopwatch.GetTimestamp() - start;
                lock (_lock)
                {
                    _samples.Add((start, ticks, ok));
                }
                await Task.Delay(pauseMs, CancellationToken.None);
            }
        })).ToArray();
    }

    /// <summary>Requests that started between two timestamps.</summary>
    public (Latencies Latencies, int Errors) Between(long from, long to)
    {
        lock (_lock)
        {
            var window = _samples.Where(s => s.Start >= from && s.Start <= to).ToArray();
            return (Latencies.FromTimestamps(window.Select(s => s.Ticks)), window.Count(s => !s.Ok));
        }
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_workers);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _client.Dispose();
        _stop.Dispose();
    }
}
