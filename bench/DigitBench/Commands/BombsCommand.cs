using System.CommandLine;
using System.Diagnostics;
using Digit.Bench.Support;
using Digit.Testing;
using Digit.Testing.Hosts;
using Digit.Training.Data;

namespace Digit.Bench.Commands;

/// <summary>
/// `bombs`: against the real local server, the peak memory one hostile request of at most 1 MiB adds (compression
/// bombs of each format, and the largest images still decoded), and another client's latency while 8 of a kind
/// run at once, next to its latency without them.
/// </summary>
internal static class BombsCommand
{
    private const double TargetPeakRiseMiB = 64;
    private const double TargetP99Milliseconds = 50;

    public static Command Create()
    {
        var mnist = CommonOptions.Mnist();
        var model = CommonOptions.Model();
        var seconds = new Option<double>("--seconds") { Description = "Measured seconds of the other client's latency, alone and beside each kind", DefaultValueFactory = _ => 10 };
        var repeats = new Option<int>("--repeats") { Description = "Single requests of each kind whose peak memory is measured (the median is shown)", DefaultValueFactory = _ => 5 };
        var concurrent = new Option<int>("--concurrent") { Description = "Hostile requests in flight at once beside the other client", DefaultValueFactory = _ => 8 };
        var only = new Option<string[]>("--kind") { Description = "Only these kinds (repeatable): png-idat, gif-lzw, jpeg-scans, bmp, largest-png, largest-jpeg" };
        var command = new Command("bombs", "Peak memory per hostile request and another client's p99 beside 8 at once, against the local server")
        {
            mnist, model, seconds, repeats, concurrent, only,
        };
        command.SetAction((result, cancellationToken) => RunAsync(
            MnistFolder.Resolve(result.GetValue(mnist)), BenchPaths.Model(result.GetValue(model)), result.GetValue(seconds),
            result.GetValue(repeats), result.GetValue(concurrent), result.GetValue(only) ?? [], cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(
        string mnistFolder, string modelPath, double seconds, int repeats, int concurrent, string[] only, CancellationToken cancellationToken)
    {
        Console.WriteLine($"CPU flags: {CpuFlags.Avx512()}; {Environment.ProcessorCount} cores; load average {LoadAverage()}");
        var test = MnistFiles.LoadTest(mnistFolder);
        var normal = Drawings.RequestBody(Drawings.FrontendDataUrl(test, 0));
        Console.WriteLine("building the hostile drawings ...");
        var kinds = HostileDrawings.All().Where(k => only.Length == 0 || only.Contains(k.Name)).ToArray();
        foreach (var kind in kinds)
        {
            Console.WriteLine($"  {kind.Name}: {kind.Description}; request body {kind.Body.Length:N0} bytes");
        }

        await using var server = await BenchServer.StartAsync(modelPath, new Dictionary<string, string?>());
        using var client = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        Console.WriteLine($"server pid {server.ProcessId} at {server.BaseAddress}, RSS {ProcessMemory.Mib(ProcessMemory.Resident(server.ProcessId)):F0} MiB");

        // Warm-up: the JIT compiles the decoders and the request path before anything is measured.
        for (var i = 0; i < 200; i++)
        {
            await PostAsync(client, normal, cancellationToken);
        }
        foreach (var kind in kinds)
        {
            await PostAsync(client, kind.Body, cancellationToken);
        }
        var normalRise = await PeakRiseAsync(server, client, normal, repeats, cancellationToken);

        var table = new FigureTable($"bombs: the local server, {Environment.ProcessorCount} cores shared with this client");
        table.Add($"normal request (28x28 PNG): peak RSS rise, median of {repeats} (MiB)", $"{ProcessMemory.Mib(normalRise.Median):F1}");
        var rows = new List<(HostileDrawings.Kind Kind, PeakRise Rise)>();
        foreach (var kind in kinds)
        {
            rows.Add((kind, await PeakRiseAsync(server, client, kind.Body, repeats, cancellationToken)));
        }
        foreach (var (kind, rise) in rows)
        {
            table.Add($"{kind.Name}: answer; peak RSS rise median / max of {repeats} (MiB)",
                $"{rise.Statuses}; {ProcessMemory.Mib(rise.Median):F1} / {ProcessMemory.Mib(rise.Max):F1}", $"≤ {TargetPeakRiseMiB} MiB", rise.Max <= TargetPeakRiseMiB * (1 << 20));
            table.Add("  server time for one request, median (ms)", $"{rise.MedianMilliseconds:F0}");
        }

        await using (var alone = new PredictionClients(server.BaseAddress, normal, 1, 10))
        {
            var from = Stopwatch.GetTimestamp();
            await Task.Delay(TimeSpan.FromSeconds(seconds), cancellationToken);
            var baseline = alone.Between(from, Stopwatch.GetTimestamp());
            table.Add($"other client alone: p50 / p99 (ms) [{baseline.Latencies.Count:N0} requests]",
                $"{baseline.Latencies.P50Milliseconds:F2} / {baseline.Latencies.P99Milliseconds:F2}");
        }
        foreach (var kind in kinds)
        {
            var cpuBefore = server.CpuTime;
            var (beside, hostile) = await BesideAsync(server.BaseAddress, normal, kind.Body, concurrent, seconds, cancellationToken);
            var serverCpu = (server.CpuTime - cpuBefore).TotalSeconds;
            table.Add($"other client beside {concurrent} {kind.Name}: p50 / p99 (ms) [{beside.Latencies.Count:N0}]",
                $"{beside.Latencies.P50Milliseconds:F2} / {beside.Latencies.P99Milliseconds:F2}", $"p99 ≤ {TargetP99Milliseconds} ms",
                beside.Latencies.P99Milliseconds <= TargetP99Milliseconds);
            table.Add($"  its errors; {kind.Name} answered", $"{beside.Errors}; {hostile.Statuses}", "0 errors", beside.Errors == 0);
            table.Add("  server CPU per hostile request answered (ms)", hostile.Count == 0 ? $"{serverCpu:F1} s, none answered" : $"{serverCpu * 1000 / hostile.Count:F1}");
        }
        table.Write();
        Console.WriteLine($"server RSS at the end: {ProcessMemory.Mib(ProcessMemory.Resident(server.ProcessId)):F0} MiB; peak since start not measured (reset per request above)");
        return 0;
    }

    /// <summary>Single requests one after another: how far each raises the server's peak RSS above its RSS before it.</summary>
    private static async Task<PeakRise> PeakRiseAsync(LocalServerProcess server, HttpClient client, byte[] body, int repeats, CancellationToken cancellationToken)
    {
        var rises = new List<long>();
        var times = new List<double>();
        var statuses = new List<int>();
        for (var i = 0; i < repeats; i++)
        {
            await Task.Delay(300, cancellationToken);
            var before = ProcessMemory.Resident(server.ProcessId);
            ProcessMemory.ResetPeak(server.ProcessId);
            var started = Stopwatch.GetTimestamp();
            statuses.Add(await PostAsync(client, body, cancellationToken));
            times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            rises.Add(ProcessMemory.Peak(server.ProcessId) - before);
        }
        rises.Sort();
        times.Sort();
        var answers = string.Join(", ", statuses.GroupBy(s => s).Select(g => $"{g.Key} ×{g.Count()}"));
        return new PeakRise(rises[rises.Count / 2], rises[^1], times[times.Count / 2], answers);
    }

    /// <summary>The other client's latencies while <paramref name="concurrent"/> loops post <paramref name="hostile"/> without pause.</summary>
    private static async Task<((Latencies Latencies, int Errors) Other, (string Statuses, int Count) Hostile)> BesideAsync(
        Uri baseAddress, byte[] normal, byte[] hostile, int concurrent, double seconds, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var bombClient = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(2) };
        var statuses = new System.Collections.Concurrent.ConcurrentBag<int>();
        var loops = Enumerable.Range(0, concurrent).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    statuses.Add(await PostAsync(bombClient, hostile, stop.Token));
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    return;
                }
                catch (HttpRequestException)
                {
                    statuses.Add(0);
                }
            }
        }, CancellationToken.None)).ToArray();
        // Let the hostile loops get going before the other client's requests count.
        await Task.Delay(1000, cancellationToken);
        await using var other = new PredictionClients(baseAddress, normal, 1, 10);
        var from = Stopwatch.GetTimestamp();
        await Task.Delay(TimeSpan.FromSeconds(seconds), cancellationToken);
        var figures = other.Between(from, Stopwatch.GetTimestamp());
        await stop.CancelAsync();
        await Task.WhenAll(loops);
        var answered = statuses.IsEmpty
            ? "none answered in the window"
            : string.Join(", ", statuses.GroupBy(s => s).OrderBy(g => g.Key).Select(g => $"{(g.Key == 0 ? "failed" : g.Key.ToString())} ×{g.Count()}"));
        return (figures, (answered, statuses.Count));
    }

    private static async Task<int> PostAsync(HttpClient client, byte[] body, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(body) { Headers = { ContentType = new("application/json") } };
        using var response = await client.PostAsync("/api/drawing/", content, cancellationToken);
        await response.Content.ReadAsByteArrayAsync(cancellationToken);
        return (int)response.StatusCode;
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    private sealed record PeakRise(long Median, long Max, double MedianMilliseconds, string Statuses);
}
