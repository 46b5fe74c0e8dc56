using System.Diagnostics;
using Digit.Inference.Models;
using Digit.Training.Data;
using Digit.Training.Evaluation;
using Digit.Training.Model;
using Digit.Training.Onnx;
using Digit.Training.Training;

namespace Digit.Training.Cli;

/// <summary>One epoch of a measured run: the trainer's report, the test accuracy after it, and training seconds so far.</summary>
internal sealed record EpochFigures(EpochReport Report, double TestAccuracy, double TrainingSecondsSoFar);

/// <summary>
/// A measured run: its epochs, the seconds to evaluate and export the final model (what a retrain does after
/// training), the final accuracy through ONNX Runtime and the network's multiply-adds per image.
/// </summary>
internal sealed record RunFigures(string Name, TrainingOptions Options, long MultiplyAdds, IReadOnlyList<EpochFigures> Epochs, double FinishSeconds, double OnnxAccuracy)
{
    public const double Target = 0.99;

    public double TrainingSeconds => Epochs.Count > 0 ? Epochs[^1].TrainingSecondsSoFar : 0;

    /// <summary>Training, then evaluation and export: the work of a retrain from start to published model.</summary>
    public double RunSeconds => TrainingSeconds + FinishSeconds;

    public double FinalAccuracy => Epochs.Count > 0 ? Epochs[^1].TestAccuracy : 0;

    /// <summary>Training seconds until the end of the first epoch at or above 99.0 %, or null when none got there.</summary>
    public double? SecondsToTarget => Epochs.FirstOrDefault(e => e.TestAccuracy >= Target)?.TrainingSecondsSoFar;

    /// <summary>A training step costs about three forward passes (forward, and two products per layer backward); two FLOPs per multiply-add.</summary>
    public double TrainingFlopsPerSample => 3.0 * 2.0 * MultiplyAdds;
}

/// <summary>Trains one set of options epoch by epoch, scoring the test set after each epoch (not timed), then times evaluate + export.</summary>
internal static class RecipeRun
{
    public static RunFigures Measure(string name, TrainingOptions options, MnistData data, Action<string> log, CancellationToken cancellationToken)
    {
        var trainer = new EpochTrainer(options);
        var epochs = new List<EpochFigures>();
        TrainingCheckpoint? checkpoint = null;
        double seconds = 0;
        for (var epoch = 1; epoch <= options.Epochs; epoch++)
        {
            var result = trainer.TrainEpoch(data.Train, checkpoint, null, cancellationToken);
            cancellationToken.ThrowIfCancellationRequested();
            checkpoint = result.Checkpoint!;
            seconds += result.Report.Duration.TotalSeconds;
            using var model = checkpoint.RestoreModel();
            var accuracy = ModelEvaluator.Accuracy(model, data.Test, cancellationToken: cancellationToken);
            epochs.Add(new EpochFigures(result.Report, accuracy, seconds));
            log($"{name}: epoch {epoch}/{options.Epochs} {result.Report.Duration.TotalSeconds:F2} s, test {accuracy:P2}");
        }

        // What the publish step does after the last epoch: restore, evaluate, export.
        var clock = Stopwatch.StartNew();
        using var final = checkpoint!.RestoreModel();
        var finalAccuracy = ModelEvaluator.Accuracy(final, data.Test, cancellationToken: cancellationToken);
        var onnx = OnnxExporter.Export(final, new OnnxModelInfo(finalAccuracy, checkpoint.EpochsCompleted, DateTimeOffset.UtcNow, data.Train.Count));
        var finish = clock.Elapsed.TotalSeconds;
        var multiplyAdds = final.MultiplyAdds();
        var onnxAccuracy = OnnxEvaluator.Accuracy(onnx, data.Test, cancellationToken: cancellationToken);
        return new RunFigures(name, options, multiplyAdds, epochs, finish, onnxAccuracy);
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
        return $"{options.Architecture}, batch {options.BatchSize}, {options.Epochs} ep, {schedule}{smoothing}, {(options.Augmentation is null ? "no aug" : "aug")}";
    }
}
