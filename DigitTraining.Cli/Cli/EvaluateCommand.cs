using System.CommandLine;
using Digit.Training.Data;
using Digit.Training.Evaluation;
using Spectre.Console;

namespace Digit.Training.Cli;

/// <summary>`evaluate`: the test-set accuracy of an ONNX model, run through ONNX Runtime.</summary>
internal static class EvaluateCommand
{
    public static Command Create()
    {
        var options = new CliOptions();
        var model = new Option<FileInfo>("--model", "-m") { Description = "The ONNX model to score", Required = true };
        var command = new Command("evaluate", "Score an ONNX model on the 10,000 MNIST test images with ONNX Runtime");
        command.Add(model);
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
            var accuracy = OnnxEvaluator.Accuracy(File.ReadAllBytes(file.FullName), test, cancellationToken: cancellationToken);
            AnsiConsole.MarkupLine($"{file.Name}: test accuracy [bold]{accuracy:P2}[/] ({accuracy:F4}) on {test.Count:N0} images");
            return Task.FromResult(0);
        });
        return command;
    }
}
