using System.CommandLine;
using Digit.Bench.Support;
using Digit.Testing;
using Digit.Testing.Hosts;
using Digit.Training.Data;

namespace Digit.Bench.Commands;

/// <summary>
/// `http`: the real local server in a child process on 127.0.0.1, loaded from another process with 64
/// connections: POST /api/drawing/ with payload (a), then GET / as the ceiling of the HTTP stack.
/// </summary>
internal static class HttpCommand
{
    private const double TargetRequestsPerSecond = 8_000;
    private const double TargetP99Milliseconds = 10;
    private const double TargetShareOfCeiling = 0.40;

    public static Command Create()
    {
        var mnist = CommonOptions.Mnist();
        var model = CommonOptions.Model();
        var connections = new Option<int>("--connections") { Description = "Concurrent connections", DefaultValueFactory = _ => 64 };
        var seconds = new Option<double>("--seconds") { Description = "Measured seconds per route", DefaultValueFactory = _ => 10 };
        var warmup = new Option<double>("--warmup") { Description = "Unmeasured seconds of load before each route's measurement", DefaultValueFactory = _ => 20 };
        var client = new Option<string>("--client") { Description = "Load generator: dotnet (DigitBench load) or wrk", DefaultValueFactory = _ => LoadGenerator.WrkInstalled ? "wrk" : "dotnet" };
        client.AcceptOnlyFromAmong("dotnet", "wrk");
        var environment = new Option<string[]>("--server-env")
        {
            Description = "NAME=VALUE set in the server's environment (repeatable), e.g. DOTNET_gcServer=0",
            AllowMultipleArgumentsPerToken = false,
        };
        var command = new Command("http", "Requests/s and latency of the local server over 127.0.0.1") { mnist, model, connections, seconds, warmup, client, environment };
        command.SetAction((result, cancellationToken) => RunAsync(
            MnistFolder.Resolve(result.GetValue(mnist)), BenchPaths.Model(result.GetValue(model)), result.GetValue(connections),
            result.GetValue(seconds), result.GetValue(warmup), result.GetValue(client)!, ServerEnvironment(result.GetValue(environment)), cancellationToken));
        return command;
    }

    private static Dictionary<string, string?> ServerEnvironment(string[]? assignments) =>
        (assignments ?? []).Select(a => a.Split('=', 2)).ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : null);

    private static async Task<int> RunAsync(
        string mnistFolder, string modelPath, int connections, double seconds, double warmup, string client, Dictionary<string, string?> environment, CancellationToken cancellationToken)
    {
        var test = MnistFiles.LoadTest(mnistFolder);
        var body = Drawings.RequestBody(Drawings.FrontendDataUrl(test, 0));
        await using var server = await BenchServer.StartAsync(modelPath, environment);
        if (environment.Count > 0)
        {
            Console.WriteLine($"server environment: {string.Join(' ', environment.Select(p => $"{p.Key}={p.Value}"))}");
        }
        Console.WriteLine($"server pid {server.ProcessId} at {server.BaseAddress}; load generator: {client} (default: wrk when installed), {connections} connections, {seconds} s per route after {warmup} s of warm-up");

        var drawing = await MeasureAsync(server, client, new Uri(server.BaseAddress, "/api/drawing/"), body, connections, warmup, seconds, cancellationToken);
        var health = await MeasureAsync(server, client, server.BaseAddress, null, connections, warmup, seconds, cancellationToken);
        var share = drawing.Load.RequestsPerSecond / health.Load.RequestsPerSecond;

        var table = new FigureTable($"http: {connections} connections on 127.0.0.1, {Environment.ProcessorCount} cores shared by server and load generator");
        table.Add("POST /api/drawing/ (a): requests/s", $"{drawing.Load.RequestsPerSecond:N0}", $"≥ {TargetRequestsPerSecond:N0}", drawing.Load.RequestsPerSecond >= TargetRequestsPerSecond);
        table.Add("  p50 latency (ms)", $"{drawing.Load.P50Ms:F2}");
        table.Add("  p99 latency (ms)", $"{drawing.Load.P99Ms:F2}", $"≤ {TargetP99Milliseconds} ms", drawing.Load.P99Ms <= TargetP99Milliseconds);
        table.Add("  errors (non-2xx or failed)", $"{drawing.Load.Errors:N0} of {drawing.Load.Requests:N0}", "0", drawing.Load.Errors == 0);
        table.Add("  server CPU per request (µs)", $"{drawing.ServerCpuMicrosecondsPerRequest:F0}");
        table.Add("  load generator CPU (s of the run)", Cpu(drawing.Load));
        table.Add("  server log lines per request", $"{drawing.LogLinesPerRequest:F2}");
        table.Add("GET / (ceiling): requests/s", $"{health.Load.RequestsPerSecond:N0}");
        table.Add("  p50 / p99 latency (ms)", $"{health.Load.P50Ms:F2} / {health.Load.P99Ms:F2}");
        table.Add("  errors", $"{health.Load.Errors:N0} of {health.Load.Requests:N0}", "0", health.Load.Errors == 0);
        table.Add("  server CPU per request (µs)", $"{health.ServerCpuMicrosecondsPerRequest:F0}");
        table.Add("  load generator CPU (s of the run)", Cpu(health.Load));
        table.Add("  server log lines per request", $"{health.LogLinesPerRequest:F2}");
        table.Add("drawing / ceiling", $"{share:P0}", $"≥ {TargetShareOfCeiling:P0}", share >= TargetShareOfCeiling);
        table.Write();
        Console.WriteLine($"server RSS at the end: {ProcessMemory.Resident(server.ProcessId) / 1e6:F0} MB");
        return 0;
    }

    private static string Cpu(LoadResult load) =>
        double.IsNaN(load.ClientCpuSeconds) ? "n/a" : $"{load.ClientCpuSeconds:F1} of {load.Seconds:F1}";

    private static async Task<RouteFigures> MeasureAsync(
        LocalServerProcess server, string client, Uri url, byte[]? body, int connections, double warmup, double seconds, CancellationToken cancellationToken)
    {
        // The warm-up runs first (tiered JIT compiles the decoder's large methods late on a busy machine); server CPU
        // and log lines are read around the measured run only.
        await LoadGenerator.RunAsync(client, url, body, connections, 0, warmup, cancellationToken);
        var cpuBefore = server.CpuTime;
        var linesBefore = server.OutputLines;
        var load = await LoadGenerator.RunAsync(client, url, body, connections, 0, seconds, cancellationToken);
        var cpu = (server.CpuTime - cpuBefore).TotalSeconds;
        var lines = server.OutputLines - linesBefore;
        return new RouteFigures(load, cpu * 1e6 / load.Requests, (double)lines / load.Requests);
    }

    private sealed record RouteFigures(LoadResult Load, double ServerCpuMicrosecondsPerRequest, double LogLinesPerRequest);
}
