using System.CommandLine;
using System.Diagnostics;
using Digit.Training.Data;
using Digit.Training.Training;
using Spectre.Console;
using TorchSharp;

namespace Digit.Training.Cli;

/// <summary>
/// `bench`: trains on the full training set and prints seconds per epoch, samples/s, test accuracy after each
/// epoch and peak RSS, next to libtorch's own float32 matrix-multiply speed at the same thread count.
/// </summary>
internal static class BenchCommand
{
    // Multiply-adds of one forward pass: conv1 24*24*32*25, conv2 8*8*64*32*25, dense 1024*128 + 128*10;
    // two FLOPs each, and a training step costs about three forward passes.
    public const double TrainingFlopsPerSample = 3 * 2 * (24 * 24 * 32 * 25 + 8 * 8 * 64 * 32 * 25 + 1024 * 128 + 128 * 10);

    public static Command Create()
    {
        var options = new CliOptions();
        var command = new Command("bench", "Train on the full 60k set and print speed, accuracy and memory figures");
        options.AddTo(command);
        command.SetAction((result, cancellationToken) => RunAsync(options.ToTrainingOptions(result), options.MnistFolder(result), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(TrainingOptions options, string mnistFolder, CancellationToken cancellationToken)
    {
        var data = MnistFiles.Load(mnistFolder, cancellationToken);
        var threads = options.EffectiveThreads;
        TorchRuntime.UseThreads(threads);
        var matmul = MatrixMultiplyGflops(size: 2048, repeats: 5);
        AnsiConsole.MarkupLine($"libtorch float32 matmul 2048x2048, {threads} threads: [bold]{matmul:F1} GFLOP/s[/] (median of 5)");

        var trainer = new EpochTrainer(options);
        var rows = new List<(EpochReport Report, double TestAccuracy)>();
        var results = await TrainingProgressBar.RunAsync(trainer, options, data.Train, result =>
        {
            using var model = result.Checkpoint!.RestoreModel();
            rows.Add((result.Report, ModelEvaluator.Accuracy(model, data.Test, cancellationToken: cancellationToken)));
        }, cancellationToken);

        var table = new Table().AddColumns("epoch", "seconds", "samples/s", "train loss", "train acc", "test acc", "GFLOP/s", "of matmul");
        foreach (var (report, testAccuracy) in rows)
        {
            var gflops = report.SamplesPerSecond * TrainingFlopsPerSample / 1e9;
            table.AddRow($"{report.Epoch}", $"{report.Duration.TotalSeconds:F2}", $"{report.SamplesPerSecond:N0}", $"{report.Loss:F4}",
                $"{report.Accuracy:P2}", $"{testAccuracy:P2}", $"{gflops:F1}", $"{gflops / matmul:P0}");
        }
        AnsiConsole.Write(table);
        var seconds = rows.Select(r => r.Report.Duration.TotalSeconds).Order().ToArray();
        var median = seconds.Length == 0 ? 0 : seconds[seconds.Length / 2];
        var medianRate = median > 0 ? data.Train.Count / median : 0;
        var achieved = medianRate * TrainingFlopsPerSample / 1e9;
        Console.WriteLine($"median epoch: {median:F2} s ({medianRate:N0} samples/s, {achieved:F1} GFLOP/s = {achieved / matmul:P0} of matmul at {threads} threads; {TrainingFlopsPerSample / 1e6:F1} MFLOP per training sample)");
        Console.WriteLine($"test accuracy after {rows.Count} epochs: {(rows.Count > 0 ? rows[^1].TestAccuracy : 0):P2}");
        using var self = Process.GetCurrentProcess();
        Console.WriteLine($"peak RSS: {self.PeakWorkingSet64 / 1e6:F0} MB");
        return results.Any(r => r.Report.Stopped) ? 1 : 0;
    }

    private static double MatrixMultiplyGflops(int size, int repeats)
    {
        using var scope = torch.NewDisposeScope();
        var a = torch.rand(size, size);
        var b = torch.rand(size, size);
        torch.mm(a, b).Dispose();
        var timings = new double[repeats];
        for (var i = 0; i < repeats; i++)
        {
            var clock = Stopwatch.StartNew();
            torch.mm(a, b).Dispose();
            timings[i] = clock.Elapsed.TotalSeconds;
        }
        Array.Sort(timings);
        return 2.0 * size * size * size / timings[repeats / 2] / 1e9;
    }
}
