using System.CommandLine;
using Digit.Training.Data;
using Digit.Training.Model;
using Digit.Training.Training;

namespace Digit.Training.Cli;

/// <summary>The options the train and bench commands share. Unset training options take the recipe's defaults.</summary>
internal sealed class CliOptions
{
    public Option<TrainingRecipe> Recipe { get; } = new("--recipe") { Description = "Recipe whose defaults apply: Canvas (the default), Fast or Classic", DefaultValueFactory = _ => TrainingOptions.DefaultRecipe };
    public Option<int?> Epochs { get; } = new("--epochs") { Description = "Epochs to train (default: the recipe's)" };
    public Option<int?> BatchSize { get; } = new("--batch-size") { Description = "Samples per optimizer step (default: the recipe's)" };
    public Option<CnnArchitecture?> Architecture { get; } = new("--architecture") { Description = "Network (default: the recipe's)" };
    public Option<double?> LearningRate { get; } = new("--learning-rate") { Description = "Peak (one-cycle) or initial (staircase) learning rate (default: the recipe's)" };
    public Option<double?> LabelSmoothing { get; } = new("--label-smoothing") { Description = "Label smoothing (default: the recipe's)" };
    public Option<bool?> Augment { get; } = new("--augment") { Description = "Distort training images (default: the recipe's)" };
    public Option<double[]> AugmentationRanges { get; } = new("--augmentation-ranges")
    {
        Description = "With augmentation: max rotation (degrees), max shear, min scale, max scale, max shift (pixels), min stroke change, max stroke change",
        AllowMultipleArgumentsPerToken = true,
        Arity = new ArgumentArity(7, 7),
    };
    public Option<bool?> KeepInkSize { get; } = new("--keep-ink-size") { Description = "With augmentation: a pen change keeps the ink's size (default: the recipe's)" };
    public Option<double?> AugmentedShare { get; } = new("--augmented-share") { Description = "With augmentation: share of each batch distorted, 0..1 (default: the recipe's)" };
    public Option<int> Seed { get; } = new("--seed") { Description = "Seed for weights, shuffle, dropout and augmentation", DefaultValueFactory = _ => new TrainingOptions().Seed };
    public Option<int> Threads { get; } = new("--threads") { Description = "libtorch threads (0 = every core)", DefaultValueFactory = _ => 0 };
    public Option<string> Mnist { get; } = new("--mnist") { Description = $"Folder of the MNIST IDX files (default: ${MnistFiles.FolderVariable} or {MnistFiles.DefaultFolder})" };

    public TrainingOptions ToTrainingOptions(ParseResult result)
    {
        var options = TrainingOptions.For(result.GetValue(Recipe)) with
        {
            Seed = result.GetValue(Seed),
            Threads = result.GetValue(Threads),
        };
        if (result.GetValue(Epochs) is { } epochs) options = options with { Epochs = epochs };
        if (result.GetValue(BatchSize) is { } batchSize) options = options with { BatchSize = batchSize };
        if (result.GetValue(Architecture) is { } architecture) options = options with { Architecture = architecture };
        if (result.GetValue(LearningRate) is { } rate)
        {
            options = options with
            {
                Schedule = options.Schedule switch
                {
                    OneCycle cycle => cycle with { Peak = rate },
                    StaircaseDecay decay => decay with { Initial = rate },
                    var other => other,
                },
            };
        }
        if (result.GetValue(LabelSmoothing) is { } smoothing) options = options with { LabelSmoothing = smoothing };
        if (result.GetValue(Augment) is { } augment) options = options with { Augmentation = augment ? new AugmentationOptions() : null };
        if (result.GetValue(AugmentationRanges) is [var rotation, var shear, var minScale, var maxScale, var shift, var minStroke, var maxStroke] && options.Augmentation is not null)
        {
            options = options with
            {
                Augmentation = options.Augmentation with
                {
                    MaxRotationDegrees = rotation, MaxShear = shear, MinScale = minScale, MaxScale = maxScale,
                    MaxShiftPixels = shift, MinStrokeChange = minStroke, MaxStrokeChange = maxStroke,
                },
            };
        }
        if (result.GetValue(KeepInkSize) is { } keep && options.Augmentation is not null)
        {
            options = options with { Augmentation = options.Augmentation with { KeepInkSize = keep } };
        }
        if (result.GetValue(AugmentedShare) is { } share && options.Augmentation is not null)
        {
            options = options with { Augmentation = options.Augmentation with { Share = share } };
        }
        return options;
    }

    public string MnistFolder(ParseResult result) => MnistFiles.ResolveFolder(result.GetValue(Mnist));

    public void AddTo(Command command)
    {
        command.Add(Recipe);
        command.Add(Epochs);
        command.Add(BatchSize);
        command.Add(Architecture);
        command.Add(LearningRate);
        command.Add(LabelSmoothing);
        command.Add(Augment);
        command.Add(AugmentationRanges);
        command.Add(KeepInkSize);
        command.Add(AugmentedShare);
        command.Add(Seed);
        command.Add(Threads);
        command.Add(Mnist);
    }
}
