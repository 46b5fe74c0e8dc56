using System.CommandLine;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using Digit.Bench.Support;

namespace Digit.Bench.Commands;

/// <summary>
/// `load`: the HTTP load generator `http` runs in its own process. Keeps N connections busy for a while
/// (each sends its next request as soon as the previous answer is read) and prints one JSON line of results.
/// </summary>
internal static class LoadCommand
{
    public static Command Create()
    {
        var url = new Option<string>("--url") { Description = "Address to load (127.0.0.1 only)", Required = true };
        var bodyFile = new Option<FileInfo?>("--body-file") { Description = "JSON body to POST; GET when absent" };
        var connections = new Option<int>("--connections") { Description = "Concurrent connections", DefaultValueFactory = _ => 64 };
        var seconds = new Option<double>("--seconds") { Description = "Measured duration", DefaultValueFactory = _ => 10 };
        var warmup = new Option<double>("--warmup") { Description = "Unmeasured seconds first", DefaultValueFactory = _ => 2 };
        var command = new Command("load", "HTTP load generator (used by `http`; prints JSON)") { url, bodyFile, connections, seconds, warmup };
        command.SetAction(async (result, cancellationToken) =>
        {
            var target = new Uri(result.GetValue(url)!);
            if (!target.IsLoopback)
            {
                await Console.Error.WriteLineAsync("Only 127.0.0.1 / localhost may be loaded.");
                return 2;
            }
            var body = result.GetValue(bodyFile) is { } file ? await File.ReadAllBytesAsync(file.FullName, cancellationToken) : null;
            var outcome = await RunAsync(target, body, result.GetValue(connections), TimeSpan.FromSeconds(result.GetValue(warmup)),
                TimeSpan.FromSeconds(result.GetValue(seconds)), cancellationToken);
            Console.WriteLine(JsonSerializer.Serialize(outcome));
            return 0;
        });
        return command;
    }

    public static async Task<LoadResult> RunAsync(Uri url, byte[]? body, int connections, TimeSpan warmup, TimeSpan duration, CancellationToken cancellationToken)
    {
        using var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = connections,
            UseProxy = false,
            UseCookies = false,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        };
        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
        var contentType = new MediaTypeHeaderValue("application/json");

        var clock = Stopwatch.StartNew();
        var measureFrom = warmup;
        var measureUntil = warmup + duration;
        var cpuBefore = TimeSpan.Zero;
        var workers = Enumerable.Range(0, connections).Select(_ => Task.Run(async () =>
        {
            var ticks = new List<long>(1 << 16);
            long errors = 0;
            while (clock.Elapsed < measureUntil && !cancellationToken.IsCancellationRequested)
            {
                var start = Stopwatch.GetTimestamp();
                var ok = false;
                try
                {
                    using var request = new HttpRequestMessage(body is null ? HttpMethod.Get : HttpMethod.Post, url);
                    if (body is not null)
                    {
                        request.Content = new ByteArrayContent(body) { Headers = { ContentType = contentType } };
                    }
                    using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
                    ok = response.IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                }
                catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    // The client's timeout: an error like any other.
                }
                var elapsed = Stopwatch.GetTimestamp() - start;
                if (clock.Elapsed >= measureFrom)
                {
                    ticks.Add(elapsed);
                    errors += ok ? 0 : 1;
                }
            }
            return (ticks, errors);
        }, cancellationToken)).ToArray();

        await Task.Delay(measureFrom, cancellationToken);
        cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var results = await Task.WhenAll(workers);
        var measured = clock.Elapsed - measureFrom;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;

        var latencies = Latencies.FromTimestamps(results.SelectMany(r => r.ticks));
        var requests = results.Sum(r => r.ticks.Count);
        return new LoadResult(requests, results.Sum(r => r.errors), measured.TotalSeconds, requests / measured.TotalSeconds,
            latencies.P50Milliseconds, latencies.P99Milliseconds, latencies.MeanMicroseconds / 1000, cpu.TotalSeconds);
    }
}

/// <summary>What one load run measured (latencies in milliseconds, CPU of the load generator in seconds).</summary>
internal sealed record LoadResult(
    long Requests, long Errors, double Seconds, double RequestsPerSecond, double P50Ms, double P99Ms, double MeanMs, double ClientCpuSeconds);
