using System.CommandLine;
using System.Diagnostics;
using Digit.Bench.Support;
using Digit.Inference.Drawing;
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
        var iterations = new Option<int>("--iterations") { Description = "Timed calls per payload", DefaultValueFactory = _ => 20_000 };
        var digits = new Option<int>("--digits") { Description = "Distinct MNIST test digits the calls cycle through", DefaultValueFactory = _ => 100 };
        var command = new Command("pipeline", "In-process decode+preprocess+infer latency on one thread") { mnist, model, iterations, digits };
        command.SetAction(result => Run(
            BenchPaths.MnistFolder(result.GetValue(mnist)), BenchPaths.Model(result.GetValue(model)), result.GetValue(iterations), result.GetValue(digits)));
        return command;
    }

    private static int Run(string mnistFolder, string modelPath, int iterations, int digitCount)
    {
        var test = MnistFiles.LoadTest(mnistFolder);
        using var model = new InProcessModel(modelPath);
        var frontend = Enumerable.Range(0, digitCount).Select(i => Payloads.Frontend(test, i)).ToArray();
        var canvas = Enumerable.Range(0, digitCount).Select(i => Payloads.Canvas(test, i)).ToArray();
        var inputs = Enumerable.Range(0, digitCount).Select(i => test.Scaled(i, 1)).ToArray();
        var decoded = frontend.Select(DrawingDecoder.Decode).ToArray();

        Console.WriteLine($"model {modelPath}; {digitCount} MNIST test digits; {iterations:N0} timed calls each after {iterations / 10:N0} warm-up calls; one thread");
        Console.WriteLine($"payload (a) {frontend.Average(p => p.Length):N0} chars, (b) {canvas.Average(p => p.Length):N0} chars of data URL on average");

        var a = Measure(iterations, i => model.Recognizer.Recognize(frontend[i % digitCount]));
        var b = Measure(iterations / 10, i => model.Recognizer.Recognize(canvas[i % digitCount]));
        var onnx = Measure(iterations, i => model.Predictor.Predict(inputs[i % digitCount]));
        var decode = Measure(iterations, i => DrawingDecoder.Decode(frontend[i % digitCount]));
        var preprocess = Measure(iterations, i => DrawingPreprocessor.Preprocess(decoded[i % digitCount]));

        var table = new FigureTable("pipeline: decode + preprocess + infer, one thread (µs)");
        table.Add("(a) 28×28 frontend PNG: p50", $"{a.P50Microseconds:F1}", $"≤ {TargetP50Microseconds} µs", a.P50Microseconds <= TargetP50Microseconds);
        table.Add("(a) p99", $"{a.P99Microseconds:F1}");
        table.Add("(a) mean", $"{a.MeanMicroseconds:F1}");
        table.Add("(b) 280×280 canvas PNG: p50", $"{b.P50Microseconds:F1}");
        table.Add("(b) p99", $"{b.P99Microseconds:F1}");
        table.Add("(b) mean", $"{b.MeanMicroseconds:F1}");
        table.Add("ONNX Runtime alone (Predict on 784 floats): p50", $"{onnx.P50Microseconds:F1}", "about 45 µs (issue 3)");
        table.Add("(a) split: decode p50", $"{decode.P50Microseconds:F1}");
        table.Add("(a) split: preprocess p50", $"{preprocess.P50Microseconds:F1}");
        table.Write();
        var gcs = GC.CollectionCount(0);
        Console.WriteLine($"gen0 collections during the run: {gcs}; allocated {GC.GetTotalAllocatedBytes() / 1e6:F0} MB in total");
        return 0;
    }

    /// <summary>Runs <paramref name="call"/> a tenth of <paramref name="iterations"/> times to warm up, then times each of <paramref name="iterations"/> calls.</summary>
    private static Latencies Measure<T>(int iterations, Func<int, T> call)
    {
        for (var i = 0; i < iterations / 10; i++)
        {
            call(i);
        }
        var ticks = new long[iterations];
        for (var i = 0; i < iterations; i++)
        {
            var start = Stopwatch.GetTimestamp();
            call(i);
            ticks[i] = Stopwatch.GetTimestamp() - start;
        }
        return Latencies.FromTimestamps(ticks);
    }
}
