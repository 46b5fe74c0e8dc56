using Digit.Inference.Models;
using System.CommandLine;
using Digit.Training.Data;
using Digit.Training.Evaluation;
using Digit.Training.Onnx;
using Digit.Training.Training;
using Spectre.Console;

namespace Digit.Training.Cli;

/// <summary>`train`: trains the CNN, measures it on the test set and writes it as an ONNX model.</summary>
internal static class TrainCommand
{
    public const string DefaultOutput = "models/digits.onnx";

    public static Command Create(TimeProvider time)
    {
        var options = new CliOptions();
        var output = new Option<string>("--output", "-o") { Description = "Where to write the ONNX model", DefaultValueFactory = _ => DefaultOutput };
        var command = new Command("train", "Train the digit CNN on MNIST and export it to ONNX");
        options.AddTo(command);
        command.Add(output);
        command.SetAction((result, cancellationToken) =>
            RunAsync(options.ToTrainingOptions(result), options.MnistFolder(result), result.GetValue(output)!, time, cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(TrainingOptions options, string mnistFolder, string output, TimeProvider time, CancellationToken cancellationToken)
    {
        var data = MnistFiles.Load(mnistFolder, cancellationToken);
        AnsiConsole.MarkupLine($"Training {RecipeRun.Describe(options)}, seed {options.Seed}, {options.EffectiveThreads} threads on {data.Train.Count:N0} images");
        var results = await TrainingProgressBar.RunAsync(new EpochTrainer(options), options, data.Train, afterEpoch: null, cancellationToken);
        var last = results.LastOrDefault();
        if (last is null || last.Report.Stopped || last.Checkpoint is null)
        {
            AnsiConsole.MarkupLine("[yellow]Training stopped before it finished; no model written.[/]");
            return 1;
        }

        using var model = last.Checkpoint.RestoreModel();
        var accuracy = ModelEvaluator.Accuracy(model, data.Test, cancellationToken: cancellationToken);
        var onnx = OnnxExporter.Export(model, new OnnxModelInfo(accuracy, last.Checkpoint.EpochsCompleted, time.GetUtcNow()));
        var onnxAccuracy = OnnxEvaluator.Accuracy(onnx, data.Test, cancellationToken: cancellationToken);
        WriteAtomically(output, onnx);
        AnsiConsole.MarkupLine($"Test accuracy: [bold]{accuracy:P2}[/] in TorchSharp, {onnxAccuracy:P2} through ONNX Runtime");
        AnsiConsole.MarkupLine($"Wrote {Path.GetFullPath(output)} ({onnx.Length:N0} bytes)");
        return 0;
    }

    private static void WriteAtomically(string path, byte[] bytes)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(folder);
        var temporary = Path.Combine(folder, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        File.WriteAllBytes(temporary, bytes);
        File.Move(temporary, path, overwrite: true);
    }
}
