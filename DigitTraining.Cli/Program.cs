using System.CommandLine;
using Digit.Training.Cli;
using Digit.Training.Data;

// Tables keep one line a row when the output goes to a file or a pipe.
if (Console.IsOutputRedirected)
{
    Spectre.Console.AnsiConsole.Profile.Width = 200;
}

var root = new RootCommand("Digit training: train the digit CNN on MNIST, export it to ONNX, evaluate and benchmark it")
{
    TrainCommand.Create(TimeProvider.System),
    EvaluateCommand.Create(),
    BenchCommand.Create(),
};
try
{
    return await root.Parse(args).InvokeAsync();
}
catch (MnistDataException exception)
{
    Console.Error.WriteLine(exception.Message);
    return 2;
}
