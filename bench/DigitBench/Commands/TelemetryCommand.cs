using System.CommandLine;
using Digit.Bench.Support;
using Digit.Inference.Telemetry;
using Digit.Testing;
using Digit.Training.Data;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Digit.Bench.Commands;

/// <summary>
/// `telemetry`: what the spans and metrics of a prediction cost. The in-process pipeline on the frontend's 28×28
/// PNG, timed call by call, in alternating rounds: nobody listening (telemetry off) and an OpenTelemetry tracer and
/// meter provider subscribed to Digit's source and meter with no exporter (telemetry on, nothing exported).
/// </summary>
internal static class TelemetryCommand
{
    private const double TargetRise = 0.05;

    public static Command Create()
    {
        var mnist = CommonOptions.Mnist();
        var model = CommonOptions.Model();
        var iterations = new Option<int>("--iterations") { Description = "Timed calls per round", DefaultValueFactory = _ => 10_000 };
        var rounds = new Option<int>("--rounds") { Description = "Rounds of each kind, alternating", DefaultValueFactory = _ => 6 };
        var command = new Command("telemetry", "Prediction p50 with telemetry on (no exporter) against off, in one run") { mnist, model, iterations, rounds };
        command.SetAction(result => Run(
            MnistFolder.Resolve(result.GetValue(mnist)), BenchPaths.Model(result.GetValue(model)), result.GetValue(iterations), result.GetValue(rounds)));
        return command;
    }

    private static int Run(string mnistFolder, string modelPath, int iterations, int rounds)
    {
        var test = MnistFiles.LoadTest(mnistFolder);
        using var model = new InProcessModel(modelPath);
        var payloads = Enumerable.Range(0, 100).Select(i => Drawings.FrontendDataUrl(test, i)).ToArray();
        for (var i = 0; i < iterations; i++)
        {
            model.Recognize(payloads[i % payloads.Length]);
        }

        var off = new List<double>();
        var on = new List<double>();
        for (var round = 0; round < rounds; round++)
        {
            off.Add(Latencies.Time(iterations, i => model.Recognize(payloads[i % payloads.Length])).P50Microseconds);
            using (var tracing = Sdk.CreateTracerProviderBuilder().AddSource(DigitTelemetry.Name).Build())
            using (var metrics = Sdk.CreateMeterProviderBuilder().AddMeter(DigitTelemetry.Name).Build())
            {
                on.Add(Latencies.Time(iterations, i => model.Recognize(payloads[i % payloads.Length])).P50Microseconds);
            }
        }
        var medianOff = Latencies.Median(off);
        var medianOn = Latencies.Median(on);
        var rise = medianOn / medianOff - 1;
        var table = new FigureTable($"prediction p50 (µs), medians of {rounds} alternating rounds of {iterations:N0} calls");
        table.Add("telemetry off (nobody listening)", $"{medianOff:F1}");
        table.Add("telemetry on, no exporter", $"{medianOn:F1}");
        table.Add("rise", $"{rise:P1}", $"≤ {TargetRise:P0}", rise <= TargetRise);
        table.Write();
        Console.WriteLine($"rounds off: {string.Join(", ", off.Select(v => v.ToString("F1")))}; on: {string.Join(", ", on.Select(v => v.ToString("F1")))}");
        return 0;
    }
}
