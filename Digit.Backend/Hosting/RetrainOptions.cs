using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Digit.Backend.Retraining;
using Digit.Backend.Runs;
using Digit.Training.Training;
using Microsoft.Extensions.Configuration;

namespace Digit.Backend.Hosting;

/// <summary>What a retrain run does, and the MNIST files it reads.</summary>
public sealed class RetrainOptions : IValidatableObject
{
    /// <summary>The training recipe, by name (see <see cref="TrainingRecipe"/>); case does not matter.</summary>
    [ConfigurationKeyName("TRAINING_RECIPE")]
    [Description("training recipe: canvas (fast's network and schedule with augmented images, so its model reads people's drawings; 2 epochs), fast (small batch-normalised network, one-cycle learning rate, 2 epochs, no augmentation) or classic (the old service's network and schedule, 3 epochs)")]
    public string Recipe { get; set; } = TrainingOptions.DefaultRecipe.ToString().ToLowerInvariant();

    /// <summary>Epochs of a retrain run; unset: the recipe's.</summary>
    [ConfigurationKeyName("TRAINING_EPOCHS"), SettingRange(1, 100)]
    [Description("epochs of a retrain run; unset = the recipe's (canvas 2, fast 2, classic 3)")]
    public int? Epochs { get; set; }

    /// <summary>Samples per optimizer step; unset: the recipe's.</summary>
    [ConfigurationKeyName("TRAINING_BATCH_SIZE"), SettingRange(1, 60_000)]
    [Description("samples per optimizer step; unset = the recipe's (canvas 256, fast 256, classic 128)")]
    public int? BatchSize { get; set; }

    /// <summary>Whether training images are distorted the way people draw; unset: the recipe's (on for canvas only).</summary>
    [ConfigurationKeyName("TRAINING_AUGMENT")]
    [Description("distort training images as people draw (slant, size, position, pen width); unset = the recipe's (canvas on, fast and classic off)")]
    public bool? Augment { get; set; }

    /// <summary>Seed of the weights, shuffle and dropout.</summary>
    [ConfigurationKeyName("TRAINING_SEED"), SettingRange(0, int.MaxValue)]
    [Description("seed of weights, shuffle and dropout")]
    public int Seed { get; set; } = 42;

    /// <summary>libtorch threads while training; 0 = every core.</summary>
    [ConfigurationKeyName("TRAINING_THREADS"), SettingRange(0, 1024)]
    [Description("libtorch threads while training; 0 = every core")]
    public int Threads { get; set; }

    /// <summary>Train on the first this-many images only; 0 = all 60,000 (tests, demos).</summary>
    [ConfigurationKeyName("TRAINING_SAMPLES"), SettingRange(0, 60_000)]
    [Description("train on the first N images only; 0 = all 60,000")]
    public int Samples { get; set; }

    /// <summary>
    /// The publish rule: a finished run's model is served only if it reads none of MNIST's test images, the synthetic
    /// canvas drawings and the held-out corrections more than this much (a fraction) worse than the served model;
    /// otherwise it is stored but not served. Unset: <see cref="DefaultMaxAccuracyDrop"/>; 1 serves every model.
    /// </summary>
    [ConfigurationKeyName("PUBLISH_MAX_ACCURACY_DROP"), SettingRange(0.0, 1.0)]
    [Description("serve a finished run's model only if its accuracy on MNIST, on the synthetic canvas drawings and on the held-out corrections (once there are 50) is at most this fraction below the served model's; 1 = always serve")]
    public double? MaxAccuracyDrop { get; set; }

    /// <summary>The publish rule's allowed drop when <see cref="MaxAccuracyDrop"/> is unset: half a point.</summary>
    public const double DefaultMaxAccuracyDrop = 0.005;

    /// <summary>The allowed drop in force.</summary>
    public double AllowedAccuracyDrop => MaxAccuracyDrop ?? DefaultMaxAccuracyDrop;

    /// <summary>Folder of the four MNIST IDX files.</summary>
    [ConfigurationKeyName("MNIST_PATH"), RequiredSetting("a path")]
    [Description("folder of the four MNIST IDX files")]
    public string MnistPath { get; set; } = "data/mnist";

    /// <summary>The recipe's training options with these settings applied.</summary>
    public TrainingOptions ToTrainingOptions()
    {
        var options = TrainingOptions.For(ParseRecipe(Recipe) ?? throw new InvalidOperationException($"TRAINING_RECIPE '{Recipe}' is not a recipe."));
        return options with
        {
            Epochs = Epochs ?? options.Epochs,
            BatchSize = BatchSize ?? options.BatchSize,
            Augmentation = Augment switch
            {
                true => options.Augmentation ?? new AugmentationOptions(),
                false => null,
                null => options.Augmentation,
            },
            Seed = Seed,
            Threads = Threads,
        };
    }

    /// <summary>A new run <paramref name="runId"/> of what these settings say now.</summary>
    public RetrainInput NewRun(string runId)
    {
        var options = ToTrainingOptions();
        return new RetrainInput(runId, options.Epochs, options.BatchSize, options.Seed,
            Recipe.Trim().ToLowerInvariant(), options.Augmentation is not null);
    }

    /// <summary>
    /// The training options of one epoch: the recipe, size, seed and augmentation its run began with; only the thread
    /// count is this process's own.
    /// </summary>
    public TrainingOptions ForEpoch(EpochRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var recipe = TrainingOptions.For(ParseRecipe(request.Recipe)
            ?? throw new InvalidOperationException($"Run {request.RunId} asks for recipe '{request.Recipe}', which this version does not know."));
        return recipe with
        {
            Epochs = request.MaxEpochs,
            BatchSize = request.BatchSize,
            Seed = request.Seed,
            Augmentation = request.Augment ? recipe.Augmentation ?? new AugmentationOptions() : null,
            Threads = Threads,
        };
    }

    /// <summary>TRAINING_RECIPE must name a <see cref="TrainingRecipe"/> (canvas, fast or classic; case does not matter).</summary>
    public IEnumerable<string> Problems()
    {
        if (ParseRecipe(Recipe) is null)
        {
            yield return $"TRAINING_RECIPE is '{Recipe}': expected one of {string.Join(", ", Enum.GetNames<TrainingRecipe>().Select(name => name.ToLowerInvariant()))}.";
        }
    }

    /// <inheritdoc />
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext) =>
        Problems().Select(problem => new ValidationResult(problem));

    /// <summary>A relative MNIST_PATH, resolved against <paramref name="root"/>.</summary>
    internal void ResolvePaths(ContentRoot root) => MnistPath = string.IsNullOrEmpty(MnistPath) ? MnistPath : root.Resolve(MnistPath);

    // Names only: Enum.TryParse alone would also take numbers.
    private static TrainingRecipe? ParseRecipe(string? name) =>
        Enum.GetValues<TrainingRecipe>().Select(recipe => (TrainingRecipe?)recipe)
            .FirstOrDefault(recipe => string.Equals(recipe.ToString(), name?.Trim(), StringComparison.OrdinalIgnoreCase));
}
