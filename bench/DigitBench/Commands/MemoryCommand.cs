using System.CommandLine;
using System.Diagnostics;
using System.Runtime;
using Digit.Bench.Support;
using Digit.Testing;
using Digit.Training.Data;

namespace Digit.Bench.Commands;

/// <summary>`memory`: in-process RSS after 100,000 and after 1,000,000 predictions of payload (a).</summary>
internal static class MemoryCommand
{
    private const double TargetGrowth = 0.10;
    private static readonly long[] Checkpoints = [100_000, 250_000, 500_000, 750_000, 1_000_000];

    public static Command Create()
    {
        var mnist = CommonOptions.Mnist();
        var model = CommonOptions.Model();
        var threads = new Option<int>("--threads") { Description = "Threads predicting at once", DefaultValueFactory = _ => Environment.ProcessorCount };
        var scale = new Option<double>("--scale") { Description = "Multiply every checkpoint (0.1 for a quick look)", DefaultValueFactory = _ => 1.0 };
        var command = new Command("memory", "RSS after 100k and 1M in-process predictions") { mnist, model, threads, scale };
        command.SetAction(result => Run(
            MnistFolder.Resolve(result.GetValue(mnist)), BenchPaths.Model(result.GetValue(model)), result.GetValue(threads), result.GetValue(scale)));
        return command;
    }

    private static int Run(string mnistFolder, string modelPath, int threads, double scale)
    {
        var test = MnistFiles.LoadTest(mnistFolder);
        using var model = new InProcessModel(modelPath);
        var payloads = Enumerable.Range(0, 100).Select(i => Drawings.FrontendDataUrl(test, i)).ToArray();
        var checkpoints = Checkpoints.Select(c => (long)(c * scale)).ToArray();
        Console.WriteLine($"{threads} threads; {(GCSettings.IsServerGC ? "server" : "workstation")} GC (the server runs server GC; DOTNET_gcServer=1 to match it)");

        var done = 0L;
        var clock = Stopwatch.StartNew();
        var table = new FigureTable("memory: in-process predictions of payload (a)");
        long? firstRss = null;
        long lastRss = 0;
        foreach (var checkpoint in checkpoints)
        {
            var target = checkpoint;
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, _ =>
            {
                long n;
                while ((n = Interlocked.Increment(ref done)) <= target)
                {
                    model.Recognize(payloads[n % payloads.Length]);
                }
            });
            done = target;
            using var self = Process.GetCurrentProcess();
            lastRss = self.WorkingSet64;
            firstRss ??= lastRss;
            var info = GC.GetGCMemoryInfo();
            table.Add($"RSS after {checkpoint:N0}", $"{lastRss / 1e6:F1} MB",
                checkpoint == checkpoints[0] ? "" : $"{(double)lastRss / firstRss.Value - 1:+0.0%;-0.0%} vs first");
            Console.WriteLine($"{checkpoint:N0} predictions at {clock.Elapsed.TotalSeconds:F0} s: RSS {lastRss / 1e6:F1} MB, GC heap {info.HeapSizeBytes / 1e6:F1} MB, committed {info.TotalCommittedBytes / 1e6:F1} MB, gen2 collections {GC.CollectionCount(2)}");
        }
        var growth = (double)lastRss / firstRss!.Value - 1;
        table.Add($"RSS({checkpoints[^1]:N0}) / RSS({checkpoints[0]:N0})", $"{1 + growth:F3}", $"≤ {1 + TargetGrowth:F2}", growth <= TargetGrowth);
        table.Add("predictions/s (all threads)", $"{checkpoints[^1] / clock.Elapsed.TotalSeconds:N0}");
        table.Write();
        return 0;
    }
}
