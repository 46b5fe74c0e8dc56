using System.CommandLine;
using Digit.Bench.Support;
using Digit.Testing;

namespace Digit.Bench.Commands;

/// <summary>
/// `run-memory`: the local server's resident memory after each of several consecutive retrain runs (memory over
/// time): what stays after the first run is the cost of having trained once (libtorch's allocator
/// and thread pools, the MNIST cache, the next model's session); it must not keep growing after that.
/// </summary>
internal static class RunMemoryCommand
{
    private const double TargetGrowth = 0.10;

    public static Command Create()
    {
        var mnist = CommonOptions.Mnist();
        var model = CommonOptions.Model();
        var runs = new Option<int>("--runs") { Description = "Consecutive retrain runs", DefaultValueFactory = _ => 5 };
        var samples = new Option<int>("--samples") { Description = "Training images (0 = all 60,000)", DefaultValueFactory = _ => 0 };
        var settle = new Option<int>("--settle-ms") { Description = "Wait after each run's end before reading its memory", DefaultValueFactory = _ => 3000 };
        var redis = new Option<string?>("--redis") { Description = "REDIS_URL for the server (default: $REDIS_URL, else in-memory state)" };
        var command = new Command("run-memory", "The local server's RSS after each of several consecutive retrain runs")
        {
            mnist, model, runs, samples, settle, redis,
        };
        command.SetAction((result, cancellationToken) => RunAsync(
            MnistFolder.Resolve(result.GetValue(mnist)), BenchPaths.Model(result.GetValue(model)), result.GetValue(runs),
            result.GetValue(samples), TimeSpan.FromMilliseconds(result.GetValue(settle)),
            result.GetValue(redis) ?? Environment.GetEnvironmentVariable("REDIS_URL"), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(
        string mnistFolder, string modelPath, int runs, int samples, TimeSpan settle, string? redis, CancellationToken cancellationToken)
    {
        var environment = new Dictionary<string, string?>
        {
            ["MNIST_PATH"] = mnistFolder,
            ["TRAINING_SAMPLES"] = $"{samples}",
            ["REDIS_URL"] = redis,
            ["REDIS_KEY_PREFIX"] = $"digit-bench-{Guid.NewGuid():N}:",
        };
        await using var server = await BenchServer.StartAsync(modelPath, environment);
        using var client = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        Console.WriteLine($"server pid {server.ProcessId} at {server.BaseAddress}; state: {(string.IsNullOrEmpty(redis) ? "in-memory" : "Redis")}; " +
            $"{runs} default runs on {(samples == 0 ? 60_000 : samples):N0} images; memory read {settle.TotalSeconds:F0} s after each run ends");

        // Libtorch loads in the background after start; the first figure is the server ready to train.
        await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken);
        var table = new FigureTable("run-memory: the local server's resident memory (VmRSS) after consecutive retrain runs");
        table.Add("before any run (MiB)", $"{ProcessMemory.Mib(ProcessMemory.Resident(server.ProcessId)):F0}");

        var after = new List<long>();
        for (var run = 1; run <= runs; run++)
        {
            ProcessMemory.ResetPeak(server.ProcessId);
            var followed = await RunFollower.StartAndFollowAsync(client, cancellationToken);
            if (followed.Reason != "completed")
            {
                throw new InvalidOperationException($"Run {run} ended '{followed.Reason}'. Server output:{Environment.NewLine}{server.Output}");
            }
            var peak = ProcessMemory.Peak(server.ProcessId);
            await Task.Delay(settle, cancellationToken);
            var resident = ProcessMemory.Resident(server.ProcessId);
            after.Add(resident);
            Console.WriteLine($"run {run}: completed in {followed.Seconds:F1} s; peak {ProcessMemory.Mib(peak):F0} MiB during the run, {ProcessMemory.Mib(resident):F0} MiB after " +
                $"(allocations {ProcessMemory.Mib(ProcessMemory.ResidentAnonymous(server.ProcessId)):F0}, mapped files {ProcessMemory.Mib(ProcessMemory.ResidentFiles(server.ProcessId)):F0})");
            table.Add($"after run {run} (MiB) [peak during it]", $"{ProcessMemory.Mib(resident):F0} [{ProcessMemory.Mib(peak):F0}]",
                run == 1 ? "" : $"{(double)resident / after[0] - 1:+0.0%;-0.0%} vs run 1");
        }
        if (after.Count >= 2)
        {
            var growth = (double)after[^1] / after[0] - 1;
            table.Add($"growth after the first run (run {after.Count} / run 1)", $"{growth:+0.0%;-0.0%}", $"≤ {TargetGrowth:+0%}", growth <= TargetGrowth);
        }
        table.Write();
        return 0;
    }
}
