using System.CommandLine;
using System.Diagnostics;
using Digit.Bench.Support;
using Digit.Inference.Drawing;
using Digit.Inference.Prediction;
using Digit.Testing;
using Digit.Training.Data;
using Digit.Training.Evaluation;

namespace Digit.Bench.Commands;

/// <summary>
/// `drawings`: accuracy on the 10,000 MNIST test digits redrawn the way users draw on a 280×280 canvas and
/// downsized the way the frontend does (<see cref="DrawingsSet"/>), (1) fed to the model as the old service did
/// (plain resize) and (2) through our decoding and preprocessing; plus the raw canvas through our preprocessing.
/// </summary>
internal static class DrawingsCommand
{
    private const double TargetAccuracy = 0.97;
    private const double TargetAccuracyOfNewModel = 0.99;

    public static Command Create()
    {
        var mnist = CommonOptions.Mnist();
        var model = CommonOptions.Model();
        var baseline = CommonOptions.Baseline();
        var seed = CommonOptions.Seed();
        var count = new Option<int>("--count") { Description = "Drawings to make, of test digits spread evenly over the set", DefaultValueFactory = _ => 10_000 };
        var command = new Command("drawings", "Accuracy on canvas-like drawings: plain resize vs our preprocessing; the baseline model, then the model") { mnist, model, baseline, seed, count };
        command.SetAction(result =>
        {
            var folder = MnistFolder.Resolve(result.GetValue(mnist));
            var (seedValue, countValue) = (result.GetValue(seed), result.GetValue(count));
            var old = Run(folder, BenchPaths.Baseline(result.GetValue(baseline)), seedValue, countValue);
            var now = Run(folder, BenchPaths.Model(result.GetValue(model)), seedValue, countValue);
            var table = new FigureTable("drawings: (2) frontend 28×28, our preprocessing, same drawings");
            table.Add("baseline model", $"{old:P2}");
            table.Add("model", $"{now:P2}", $"≥ {TargetAccuracyOfNewModel:P1}", now >= TargetAccuracyOfNewModel);
            table.Write();
            return 0;
        });
        return command;
    }

    /// <summary>Prints the figures of one model; returns its accuracy through the frontend's 28×28 picture and our preprocessing.</summary>
    private static double Run(string mnistFolder, string modelPath, int seed, int count)
    {
        var all = MnistFiles.LoadTest(mnistFolder);
        using var model = new InProcessModel(modelPath);
        var clock = Stopwatch.StartNew();
        var drawings = DrawingsSet.Create(all, count, seed);
        var built = clock.Elapsed;
        var plan = DrawingsSet.Plan(all, count, seed);
        var tally = new Tally();

        Parallel.For(0, drawings.Count, i =>
        {
            var (source, style) = plan[i];
            var digit = all.Image(source);
            var label = drawings.Labels[i];
            var groups = Groups(style);

            tally.Count("MNIST 28×28 as is (the model's own test)", [], model.Predictor.Predict(all.Scaled(source, 1)).Digit == label);
            tally.Count(Targeted, groups, model.Predictor.Predict(drawings.Scaled(i, 1)).Digit == label);

            var coverage = CanvasDrawings.Render(digit, style);
            var frontend = CanvasDrawings.FrontendImage(coverage, style.Transparent);
            tally.Count("(1) frontend 28×28, plain resize", groups, model.Predictor.Predict(PlainResize(frontend)).Digit == label);
            tally.Count("(3) raw 280×280 canvas, our preprocessing", groups, Ours(model.Predictor, Drawings.CanvasPng(coverage, style.Transparent)) == label);
        });

        Console.WriteLine($"{drawings.Count:N0} MNIST test digits, seed {seed}, model {modelPath}; set built in {built.TotalSeconds:F1} s, all in {clock.Elapsed.TotalSeconds:F0} s");
        Console.WriteLine("canvas: ink 35–90% of 280 px tall, anywhere (8 px margin), pen edge at 0.08–0.45 of MNIST intensity, 30% widened by a pixel (bold), half on transparent");
        var table = new FigureTable($"drawings: accuracy of {Path.GetFileName(modelPath)}");
        var result = 0.0;
        foreach (var (name, correct, total) in tally.Rows())
        {
            var accuracy = (double)correct / total;
            var targeted = name == Targeted;
            result = targeted ? accuracy : result;
            table.Add($"{name} [{total:N0}]", $"{accuracy:P2}", targeted ? $"≥ {TargetAccuracy:P0}" : "", targeted ? accuracy >= TargetAccuracy : null);
        }
        table.Write();
        return result;
    }

    private const string Targeted = "(2) frontend 28×28, our preprocessing";

    private static string[] Groups(CanvasStyle style) =>
    [
        style.Transparent ? "on transparent" : "on white",
        style.InkHeight < CanvasDrawings.CanvasSide * 0.5 ? "small (< 50% tall)" : "large (≥ 50% tall)",
        style.Bold ? "bold pen" : "normal pen",
        style.Threshold < 0.2 ? "thick edge (< 0.2)" : "thin edge (≥ 0.2)",
    ];

    /// <summary>
    /// What the old service fed the model: the picture converted to grey (alpha dropped), resized to 28×28,
    /// divided by 255. The frontend's picture is already 28×28.
    /// </summary>
    private static float[] PlainResize(byte[] greyAlpha28)
    {
        var input = new float[CanvasDrawings.Side * CanvasDrawings.Side];
        for (var i = 0; i < input.Length; i++)
        {
            input[i] = greyAlpha28[i * 2] / 255f;
        }
        return input;
    }

    /// <summary>The digit our decoding and preprocessing find, or -1 when they refuse the picture.</summary>
    private static int Ours(DigitPredictor predictor, byte[] png)
    {
        try
        {
            return predictor.Predict(DrawingPreprocessor.Preprocess(DrawingDecoder.DecodeImage(png))).Digit;
        }
        catch (DrawingException)
        {
            return -1;
        }
    }

    /// <summary>Correct answers per method, overall and per group of drawings.</summary>
    private sealed class Tally
    {
        private readonly Lock _lock = new();
        private readonly SortedDictionary<string, (int Correct, int Total)> _counts = new(StringComparer.Ordinal);

        public void Count(string method, string[] groups, bool correct)
        {
            lock (_lock)
            {
                Add(method, correct);
                foreach (var group in groups)
                {
                    Add($"{method} — {group}", correct);
                }
            }
        }

        public IEnumerable<(string Name, int Correct, int Total)> Rows() => _counts.Select(pair => (pair.Key, pair.Value.Correct, pair.Value.Total));

        private void Add(string key, bool correct)
        {
            var (right, total) = _counts.GetValueOrDefault(key);
            _counts[key] = (right + (correct ? 1 : 0), total + 1);
        }
    }
}
