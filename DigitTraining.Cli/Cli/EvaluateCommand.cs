using System.CommandLine;
using System.Globalization;
using Digit.Inference.Models;
using Digit.Training.Onnx;
using Digit.Training.Data;
using Digit.Training.Evaluation;
using Spectre.Console;

namespace Digit.Training.Cli;

/// <summary>
/// `evaluate`: the test-set and drawings-set accuracy of an ONNX model, run through ONNX Runtime; with
/// `--write-drawings-accuracy`, the latter is also written into the model's metadata (how the shipped model got it).
/// </summary>
internal static class EvaluateCommand
{
    public static Command Create()
    {
        var options = new CliOptions();
        var model = new Option<FileInfo>("--model", "-m") { Description = "The ONNX model to score", Required = true };
        var write = new Option<bool>("--write-drawings-accuracy") { Description = $"Write the drawings-set accuracy into the model's metadata ({OnnxModelInfo.DrawingsAccuracyKey})" };
        var command = new Command("evaluate", "Score an ONNX model on the 10,000 MNIST test images and on the synthetic drawings set with ONNX Runtime");
        command.Add(model);
        command.Add(write);
        command.Add(options.Mnist);
        command.SetAction((result, cancellationToken) =>
        {
            var file = result.GetValue(model)!;
            if (!file.Exists)
            {
                Console.Error.WriteLine($"No model at {file.FullName}.");
                return Task.FromResult(2);
            }
            var test = MnistFiles.LoadTest(options.MnistFolder(result), cancellationToken);
            var bytes = File.ReadAllBytes(file.FullName);
            var accuracy = OnnxEvaluator.Accuracy(bytes, test, cancellationToken: cancellationToken);
            var drawings = DrawingsSet.Create(test);
            var drawingsAccuracy = OnnxEvaluator.Accuracy(bytes, drawings, cancellationToken: cancellationToken);
            AnsiConsole.MarkupLine($"{file.Name}: test accuracy [bold]{accuracy:P2}[/] ({accuracy:F4}) on {test.Count:N0} images; " +
                $"drawings accuracy [bold]{drawingsAccuracy:P2}[/] ({drawingsAccuracy:F4}) on {drawings.Count:N0} drawings");
            if (result.GetValue(write))
            {
                File.WriteAllBytes(file.FullName, OnnxExporter.WithMetadata(bytes, OnnxModelInfo.DrawingsAccuracyKey, drawingsAccuracy.ToString("R", CultureInfo.InvariantCulture)));
                AnsiConsole.MarkupLine($"wrote {OnnxModelInfo.DrawingsAccuracyKey} into {file.Name}");
            }
            return Task.FromResult(0);
        });
        return command;
    }
}
