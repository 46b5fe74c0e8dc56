using System.CommandLine;
using Digit.Training.Data;
using Digit.Training.Training;

namespace Digit.Training.Cli;

/// <summary>The options the train and bench commands share.</summary>
internal sealed class CliOptions
{
    private static readonly TrainingOptions Defaults = new();

    public Option<int> Epochs { get; } = new("--epochs") { Description = "Epochs to train", DefaultValueFactory = _ => Defaults.Epochs };
    public Option<int> BatchSize { get; } = new("--batch-size") { Description = "Samples per optimizer step", DefaultValueFactory = _ => Defaults.BatchSize };
    public Option<int> Seed { get; } = new("--seed") { Description = "Seed for weights, shuffle and dropout", DefaultValueFactory = _ => Defaults.Seed };
    public Option<int> Threads { get; } = new("--threads") { Description = "libtorch threads (0 = every core)", DefaultValueFactory = _ => 0 };
    public Option<string> Mnist { get; } = new("--mnist") { Description = $"Folder of the MNIST IDX files (default: ${MnistFiles.FolderVariable} or {MnistFiles.DefaultFolder})" };

    public TrainingOptions ToTrainingOptions(ParseResult result) => new()
    {
        Epochs = result.GetValue(Epochs),
        BatchSize = result.GetValue(BatchSize),
        Seed = result.GetValue(Seed),
        Threads = result.GetValue(Threads),
    };

    public string MnistFolder(ParseResult result) => MnistFiles.ResolveFolder(result.GetValue(Mnist));

    public void AddTo(Command command)
    {
        command.Add(Epochs);
        command.Add(BatchSize);
        command.Add(Seed);
        command.Add(Threads);
        command.Add(Mnist);
    }
}
