using System.CommandLine;
using Digit.Bench.Support;
using Digit.Inference.Drawing;
using Digit.Testing;
using Digit.Training.Data;

namespace Digit.Bench.Commands;

/// <summary>
/// `pipeline`: decode + preprocess + infer on one thread, in this process, for (a) the frontend's 28×28 PNG
/// and (b) a 280×280 canvas PNG, with ONNX Runtime alone for reference.
/// </summary>
internal static class PipelineCommand
{
    private const double TargetP50Microseconds = 150;

    public static Command Create()
    {
        var mnist = CommonOptions.Mnist();
        var model = CommonOptions.Model();
        var baseline = CommonOptions.Baseline();
        var iterations = new Option<int>("--iterations") { Description = "Timed calls per payload", DefaultValueFactory = _ => 20_000 };
        var digits = new Option<int>("--digits") { Description = "Distinct MNIST test digits the calls cycle through", DefaultValueFactory = _ => 100 };
        var rounds = new Option<int>("--rounds") { Description = "Times each model is measured, alternating; medians are compared", DefaultValueFactory = _ => 3 };
        var command = new Command("pipeline", "In-process decode+preprocess+infer latency on one thread: the baseline model and the model, alternating")
        {
            mnist, model, baseline, iterations, digits, rounds,
        };
        command.SetAction(result =>
        {
            var folder = MnistFolder.Resolve(result.GetValue(mnist));
            var paths = new[] { BenchPaths.Baseline(result.GetValue(baseline)), BenchPaths.Model(result.GetValue(model)) };
            var p50 = paths.Select(_ => new List<(double A, double Onnx)>()).ToArray();
            for (var round = 0; round < result.GetValue(rounds); round++)
            {
                for (var m = 0; m < paths.Length; m++)
                {
                    p50[m].Add(Run(folder, paths[m], result.GetValue(iterations), result.GetValue(digits)));
                }
            }
            var (oldA, newA) = (Latencies.Median(p50[0].Select(p => p.A)), Latencies.Median(p50[1].Select(p => p.A)));
            var table = new FigureTable($"pipeline: median over {p50[0].Count} rounds of each model's p50 (µs)");
            table.Add($"(a) baseline {Path.GetFileName(paths[0])}", $"{oldA:F1}");
            table.Add($"(a) model {Path.GetFileName(paths[1])}", $"{newA:F1}", "≤ baseline", newA <= oldA);
            table.Add($"ONNX Runtime alone: baseline", $"{Latencies.Median(p50[0].Select(p => p.Onnx)):F1}");
            table.Add($"ONNX Runtime alone: model", $"{Latencies.Median(p50[1].Select(p => p.Onnx)):F1}");
            table.Write();
            return 0;
        });
        return command;
    }

    /// <summary>Prints one model's figures; returns the p50 of payload (a) and of ONNX Runtime alone (µs).</summary>
    private static (double A, double Onnx) Run(string mnistFolder, string modelPath, int iterations, int digitCount)
    {
        var test = MnistFiles.LoadTest(mnistFolder);
        using var model = new InProcessModel(modelPath);
        var frontend = Enumerable.Range(0, digitCount).Select(i => Drawings.FrontendDataUrl(test, i)).ToArray();
        var canvas = Enumerable.Range(0, digitCount).Select(i => Drawings.CanvasDataUrl(test, i)).ToArray();
        var inputs = Enumerable.Range(0, digitCount).Select(i => test.Scaled(i, 1)).ToArray();
        var decoded = frontend.Select(DrawingDecoder.Decode).ToArray();

        Console.WriteLine($"model {modelPath}; {digitCount} MNIST test digits; {iterations:N0} timed calls each after {iterations / 10:N0} warm-up calls; one thread");
        Console.WriteLine($"payload (a) {frontend.Average(p => p.Length):N0} chars, (b) {canvas.Average(p => p.Length):N0} chars of data URL on average");

        var a = Measure(iterations, i => model.Recognize(frontend[i % digitCount]));
        var b = Measure(iterations / 10, i => model.Recognize(canvas[i % digitCount]));
        var onnx = Measure(iterations, i => model.Predictor.Predict(inputs[i % digitCount]));
        var decode = Measure(iterations, i => DrawingDecoder.Decode(frontend[i % digitCount]));
        var preprocess = Measure(iterations, i => DrawingPreprocessor.Preprocess(decoded[i % digitCount]));

        var table = new FigureTable($"pipeline: decode + preprocess + infer, one thread (µs), {Path.GetFileName(modelPath)}");
        table.Add("(a) 28×28 frontend PNG: p50", $"{a.P50Microseconds:F1}", $"≤ {TargetP50Microseconds} µs", a.P50Microseconds <= TargetP50Microseconds);
        table.Add("(a) p99", $"{a.P99Microseconds:F1}");
        table.Add("(a) mean", $"{a.MeanMicroseconds:F1}");
        table.Add("(b) 280×280 canvas PNG: p50", $"{b.P50Microseconds:F1}");
        table.Add("(b) p99", $"{b.P99Microseconds:F1}");
        table.Add("(b) mean", $"{b.MeanMicroseconds:F1}");
        table.Add("ONNX Runtime alone (Predict on 784 floats): p50", $"{onnx.P50Microseconds:F1}", "about 45 µs");
        table.Add("(a) split: decode p50", $"{decode.P50Microseconds:F1}");
        table.Add("(a) split: preprocess p50", $"{preprocess.P50Microseconds:F1}");
        table.Write();
        var gcs = GC.CollectionCount(0);
        Console.WriteLine($"gen0 collections during the run: {gcs}; allocated {GC.GetTotalAllocatedBytes() / 1e6:F0} MB in total");
        return (a.P50Microseconds, onnx.P50Microseconds);
    }

    /// <summary>Runs <paramref name="call"/> a tenth of <paramref name="iterations"/> times to warm up, then times each of <paramref name="iterations"/> calls.</summary>
    private static Latencies Measure<T>(int iterations, Func<int, T> call)
    {
        for (var i = 0; i < iterations / 10; i++)
        {
            call(i);
        }
        return Latencies.Time(iterations, i => call(i));
    }
}
