using System.CommandLine;
using System.Diagnostics;
using Digit.Bench.Support;
using Digit.Inference.Corrections;
using Digit.Inference.Drawing;
using Digit.Inference.Models;
using Digit.Testing;
using Digit.Training.Data;
using Digit.Training.Evaluation;
using Digit.Training.Onnx;
using Digit.Training.Training;

namespace Digit.Bench.Commands;

/// <summary>
/// `learning`: the learning loop's figures in one run, in this process. People's corrections are 200 slashed zeros
/// (a style the shipped model misreads) and 200 ordinary drawings, made as the frontend makes them and read as the
/// server reads them, split into training and held-out shares as the server splits them. Then, alternating, default
/// runs of the old default recipe (fast) and the new one (canvas), without corrections, and the new one with the
/// training share: each run's time, and each model's accuracy on MNIST, the synthetic drawings set, the held-out
/// corrections and unseen drawings of both kinds, beside the shipped model's ("before").
/// </summary>
internal static class LearningCommand
{
    private const double TargetTimeRatio = 1.15;
    private const double TargetMnist = 0.99;
    private const double TargetDrawingsDrop = 0.005;
    private const double TargetUnseenZeros = 0.98;
    private const double TargetUnseenOrdinary = 0.99;

    public static Command Create()
    {
        var mnist = CommonOptions.Mnist();
        var model = CommonOptions.Model();
        var repeats = new Option<int>("--repeats") { Description = "Runs of each recipe, alternating (medians of their times)", DefaultValueFactory = _ => 3 };
        var command = new Command("learning", "Corrections in, default runs of the old and new recipe: time, MNIST, drawings and held-out corrections before and after")
        {
            mnist, model, repeats,
        };
        command.SetAction(result =>
        {
            Run(MnistFolder.Resolve(result.GetValue(mnist)), BenchPaths.Model(result.GetValue(model)), Math.Max(1, result.GetValue(repeats)));
            return 0;
        });
        return command;
    }

    private sealed record Scores(double Mnist, double Drawings, double HeldOut, double UnseenZeros, double UnseenOrdinary);

    private static void Run(string mnistFolder, string shippedPath, int repeats)
    {
        var data = MnistFiles.Load(mnistFolder);
        var drawings = DrawingsSet.Create(data.Test);
        var taught = new Random(20261207);
        var corrections = Enumerable.Range(0, 200).Select(_ => Read(PenDrawings.DataUrl(PenDrawings.SlashedZero(taught)), 0))
            .Concat(Enumerable.Range(0, 200).Select(i => Read(PenDrawings.CentredDataUrl(data.Test, 2 * i), data.Test.Labels[2 * i])))
            .OrderBy(c => c.Id, StringComparer.Ordinal) // as the store lists them, so a run here trains as the server's does
            .ToArray();
        var training = Set(corrections.Where(c => !c.HeldOut));
        var heldOut = Set(corrections.Where(c => c.HeldOut));
        var unseen = new Random(7);
        var unseenZeros = Set(Enumerable.Range(0, 100).Select(_ => Read(PenDrawings.DataUrl(PenDrawings.SlashedZero(unseen)), 0)));
        var unseenOrdinary = Set(Enumerable.Range(0, 300).Select(i => Read(PenDrawings.CentredDataUrl(data.Test, 5001 + 3 * i), data.Test.Labels[5001 + 3 * i])));
        Console.WriteLine($"corrections: 200 slashed zeros and 200 ordinary drawings; {training.Count} to train on, {heldOut.Count} held out. " +
            $"Unseen: 100 slashed zeros, 300 ordinary drawings. CPU: {Environment.ProcessorCount} cores, AVX-512: {CpuFlags.Avx512()}");

        Scores Score(byte[] onnx, double? mnist = null) => new(
            mnist ?? OnnxEvaluator.Accuracy(onnx, data.Test), OnnxEvaluator.Accuracy(onnx, drawings), OnnxEvaluator.Accuracy(onnx, heldOut),
            OnnxEvaluator.Accuracy(onnx, unseenZeros), OnnxEvaluator.Accuracy(onnx, unseenOrdinary));

        var runs = new (string Name, TrainingRecipe Recipe, MnistSet? Corrections)[]
        {
            ("fast (old default)", TrainingRecipe.Fast, null),
            ("canvas (new default)", TrainingRecipe.Canvas, null),
            ($"canvas + {training.Count} corrections", TrainingRecipe.Canvas, training),
        };
        var times = runs.ToDictionary(run => run.Name, _ => new List<double>());
        var models = new Dictionary<string, byte[]>();
        for (var repeat = 0; repeat < repeats; repeat++)
        {
            foreach (var (name, recipe, extra) in runs)
            {
                var (onnx, seconds) = Train(data.Train, TrainingOptions.For(recipe), extra);
                times[name].Add(seconds);
                models[name] = onnx;
                Console.WriteLine($"{name}: {seconds:F1} s");
            }
        }

        var shipped = Score(File.ReadAllBytes(shippedPath));
        var table = new FigureTable($"learning: medians of {repeats} default run(s) each, seed 42; accuracy of the last model of each");
        Row(table, "shipped model (before)", null, shipped, shipped);
        var oldTime = Latencies.Median(times[runs[0].Name]);
        foreach (var (name, _, extra) in runs)
        {
            Row(table, name, (Latencies.Median(times[name]), oldTime), Score(models[name]), shipped, checkAll: extra is not null);
        }
        table.Write();
    }

    private static void Row(FigureTable table, string name, (double Seconds, double OldSeconds)? time, Scores scores, Scores shipped, bool checkAll = false)
    {
        if (time is { } t)
        {
            var ratio = t.Seconds / t.OldSeconds;
            table.Add($"{name}: time", $"{t.Seconds:F1} s ({ratio:F2}× the old default)", $"≤ {TargetTimeRatio:F2}×", name.StartsWith("canvas (", StringComparison.Ordinal) ? ratio <= TargetTimeRatio : null);
        }
        var judged = time is not null && (checkAll || name.StartsWith("canvas (", StringComparison.Ordinal));
        table.Add($"{name}: MNIST", $"{scores.Mnist:P2}", $"≥ {TargetMnist:P1}", judged ? scores.Mnist >= TargetMnist : null);
        table.Add($"{name}: drawings set", $"{scores.Drawings:P2}", $"≥ shipped − {TargetDrawingsDrop * 100:F1} pt", judged ? scores.Drawings >= shipped.Drawings - TargetDrawingsDrop : null);
        table.Add($"{name}: held-out corrections", $"{scores.HeldOut:P2}");
        table.Add($"{name}: unseen slashed zeros", $"{scores.UnseenZeros:P1}", checkAll ? $"≥ {TargetUnseenZeros:P0}" : "", checkAll ? scores.UnseenZeros >= TargetUnseenZeros : null);
        table.Add($"{name}: unseen ordinary drawings", $"{scores.UnseenOrdinary:P1}", checkAll ? $"≥ {TargetUnseenOrdinary:P0}" : "", checkAll ? scores.UnseenOrdinary >= TargetUnseenOrdinary : null);
    }

    /// <summary>A default run of <paramref name="options"/> (seed 42, all of MNIST) with <paramref name="corrections"/>, exported as it would be served.</summary>
    private static (byte[] Onnx, double Seconds) Train(MnistSet train, TrainingOptions options, MnistSet? corrections)
    {
        var trainer = new EpochTrainer(options);
        var clock = Stopwatch.StartNew();
        TrainingCheckpoint? checkpoint = null;
        for (var epoch = 0; epoch < options.Epochs; epoch++)
        {
            checkpoint = trainer.TrainEpoch(train, checkpoint, null, CancellationToken.None, corrections).Checkpoint;
        }
        var seconds = clock.Elapsed.TotalSeconds;
        using var model = checkpoint!.RestoreModel();
        return (OnnxExporter.Export(model, new OnnxModelInfo(null, options.Epochs, DateTimeOffset.UtcNow, train.Count)), seconds);
    }

    /// <summary>A drawing read as the server reads a correction: decoded, preprocessed, stored as the network's bytes.</summary>
    private static Correction Read(string dataUrl, int label) =>
        CorrectionIds.Create(CorrectionIds.ToPixels(DrawingPreprocessor.Preprocess(DrawingDecoder.Decode(dataUrl))), label, DateTimeOffset.UnixEpoch, null, null);

    private static MnistSet Set(IEnumerable<Correction> corrections)
    {
        var chosen = corrections.ToArray();
        return new MnistSet(chosen.SelectMany(c => c.Pixels).ToArray(), chosen.Select(c => (byte)c.Label).ToArray());
    }
}
