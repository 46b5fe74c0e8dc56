using System.Diagnostics;
using Digit.Inference.Models;
using Digit.Training.Data;
using Digit.Training.Evaluation;
using Digit.Training.Model;
using Digit.Training.Onnx;
using Digit.Training.Training;

namespace Digit.Training.Cli;

/// <summary>One epoch of a measured run: the trainer's report, the test accuracy after it, and training seconds so far.</summary>
internal sealed record EpochFigures(EpochReport Report, double TestAccuracy, double TrainingSecondsSoFar, double CpuSeconds);

/// <summary>What a measured run is scored on: MNIST, the drawings set the publish step uses, and DigitBench's 10,000 drawings.</summary>
internal sealed record BenchSets(MnistData Mnist, MnistSet Drawings, MnistSet AllDrawings)
{
    public static BenchSets Load(MnistData mnist) =>
        new(mnist, DrawingsSet.Create(mnist.Test), DrawingsSet.Create(mnist.Test, mnist.Test.Count));
}

/// <summary>
/// A measured run: its epochs, the seconds to evaluate and export the final model (what a retrain does after
/// training), the final accuracy through ONNX Runtime on MNIST and on the drawings (the default set and all
/// 10,000), and the network's multiply-adds per image.
/// </summary>
internal sealed record RunFigures(
    string Name,
    TrainingOptions Options,
    long MultiplyAdds,
    IReadOnlyList<EpochFigures> Epochs,
    double FinishSeconds,
    double OnnxAccuracy,
    double DrawingsAccuracy,
    double AllDrawingsAccuracy,
    double FinishCpuSeconds)
{
    public const double Target = 0.99;

    public double TrainingSeconds => Epochs.Count > 0 ? Epochs[^1].TrainingSecondsSoFar : 0;

    /// <summary>Training, then evaluation and export: the work of a retrain from start to published model.</summary>
    public double RunSeconds => TrainingSeconds + FinishSeconds;

    /// <summary>
    /// The process's CPU seconds for training, evaluation and export: on a machine shared with other work this
    /// measures the run's own work, where wall-clock seconds also measure the others'.
    /// </summary>
    public double RunCpuSeconds => Epochs.Sum(e => e.CpuSeconds) + FinishCpuSeconds;

    public double FinalAccuracy => Epochs.Count > 0 ? Epochs[^1].TestAccuracy : 0;

    /// <summary>Training seconds until the end of the first epoch at or above 99.0 %, or null when none got there.</summary>
    public double? SecondsToTarget => Epochs.FirstOrDefault(e => e.TestAccuracy >= Target)?.TrainingSecondsSoFar;

    /// <summary>A training step costs about three forward passes (forward, and two products per layer backward); two FLOPs per multiply-add.</summary>
    public double TrainingFlopsPerSample => 3.0 * 2.0 * MultiplyAdds;
}

/// <summary>Trains one set of options epoch by epoch, scoring the test set after each epoch (not timed), then times evaluate + export.</summary>
internal static class RecipeRun
{
    public static RunFigures Measure(string name, TrainingOptions options, BenchSets sets, Action<string> log, CancellationToken cancellationToken)
    {
        var data = sets.Mnist;
        var trainer = new EpochTrainer(options);
        var epochs = new List<EpochFigures>();
        TrainingCheckpoint? checkpoint = null;
        double seconds = 0;
        for (var epoch = 1; epoch <= options.Epochs; epoch++)
        {
            var cpu = CpuSeconds();
            var result = trainer.TrainEpoch(data.Train, checkpoint, null, cancellationToken);
            var epochCpu = CpuSeconds() - cpu;
            cancellationToken.ThrowIfCancellationRequested();
            checkpoint = result.Checkpoint!;
            seconds += result.Report.Duration.TotalSeconds;
            using var model = checkpoint.RestoreModel();
            var accuracy = ModelEvaluator.Accuracy(model, data.Test, cancellationToken: cancellationToken);
            epochs.Add(new EpochFigures(result.Report, accuracy, seconds, epochCpu));
            log($"{name}: epoch {epoch}/{options.Epochs} {result.Report.Duration.TotalSeconds:F2} s, test {accuracy:P2}");
        }

        // What the publish step does after the last epoch: restore, evaluate, export.
        var clock = Stopwatch.StartNew();
        var finishCpu = CpuSeconds();
        using var final = checkpoint!.RestoreModel();
        var finalAccuracy = ModelEvaluator.Accuracy(final, data.Test, cancellationToken: cancellationToken);
        var onnx = OnnxExporter.Export(final, new OnnxModelInfo(finalAccuracy, checkpoint.EpochsCompleted, DateTimeOffset.UtcNow, data.Train.Count));
        var finish = clock.Elapsed.TotalSeconds;
        finishCpu = CpuSeconds() - finishCpu;
        var multiplyAdds = final.MultiplyAdds();
        var onnxAccuracy = OnnxEvaluator.Accuracy(onnx, data.Test, cancellationToken: cancellationToken);
        var drawings = OnnxEvaluator.Accuracy(onnx, sets.Drawings, cancellationToken: cancellationToken);
        var allDrawings = OnnxEvaluator.Accuracy(onnx, sets.AllDrawings, cancellationToken: cancellationToken);
        log($"{name}: MNIST {onnxAccuracy:P2}, drawings {drawings:P2} ({sets.Drawings.Count:N0}), {allDrawings:P2} ({sets.AllDrawings.Count:N0})");
        return new RunFigures(name, options, multiplyAdds, epochs, finish, onnxAccuracy, drawings, allDrawings, finishCpu);
    }

    private static double CpuSeconds()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime.TotalSeconds;
    }

    public static string Describe(TrainingOptions options)
    {
        var schedule = options.Schedule switch
        {
            OneCycle cycle => $"one-cycle peak {cycle.Peak:G3}",
            StaircaseDecay decay => $"staircase {decay.Initial:G3}×{decay.Factor:G3}/{decay.Every}",
            var other => other.GetType().Name,
        };
        var smoothing = options.LabelSmoothing > 0 ? $", LS {options.LabelSmoothing:G2}" : "";
        var augmentation = options.Augmentation switch
        {
            null => "no aug",
            var a when a == new AugmentationOptions() => "aug",
            var a when a == new AugmentationOptions() with { KeepInkSize = true } => "aug same size",
            var a => $"aug {a.MaxRotationDegrees:G3}°/{a.MaxShear:G3}/{a.MinScale:G3}–{a.MaxScale:G3}/{a.MaxShiftPixels:G3} px/pen {a.MinStrokeChange:+0.##;−0.##;0}…{a.MaxStrokeChange:+0.##;−0.##;0}{(a.KeepInkSize ? " same size" : "")}{(a.Share < 1 ? $" {a.Share:P0} of each batch" : "")}",
        };
        return $"{options.Architecture}, batch {options.BatchSize}, {options.Epochs} ep, {schedule}{smoothing}, {augmentation}";
    }
}
