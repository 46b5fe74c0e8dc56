using Digit.Training.Model;

namespace Digit.Training.Training;

/// <summary>
/// Everything that decides how a model is trained. <c>new TrainingOptions()</c> is the <see cref="TrainingRecipe.Fast"/>
/// recipe; <see cref="For"/> gives any recipe. The seed also drives the shuffle, dropout and augmentation.
/// </summary>
public sealed record TrainingOptions
{
    /// <summary>The recipe a run uses unless told otherwise (TRAINING_RECIPE, the CLI's --recipe).</summary>
    public const TrainingRecipe DefaultRecipe = TrainingRecipe.Canvas;

    /// <summary>The network to train.</summary>
    public CnnArchitecture Architecture { get; init; } = CnnArchitecture.Strided16Wide;

    /// <summary>Passes over the training set; at least 1.</summary>
    public int Epochs { get; init; } = 2;

    /// <summary>Images per optimizer step; at least 1. The last batch of an epoch may be smaller.</summary>
    public int BatchSize { get; init; } = 256;

    /// <summary>The learning rate at each optimizer step of the run.</summary>
    public LearningRateSchedule Schedule { get; init; } = new OneCycle(Peak: 0.02);

    /// <summary>Share of the target probability spread evenly over all classes (0 = plain one-hot targets).</summary>
    public double LabelSmoothing { get; init; } = 0.1;

    /// <summary>
    /// Random distortions of each training batch, or null for none. Off in <see cref="TrainingRecipe.Fast"/>, which
    /// reads MNIST well and people's drawings badly; <see cref="TrainingRecipe.Canvas"/> and long runs use them.
    /// </summary>
    public AugmentationOptions? Augmentation { get; init; }

    /// <summary>
    /// Share of each batch drawn from people's corrections when a run has some (at most one of each correction a
    /// batch): they are few next to MNIST's 60,000, so they are sampled again every batch rather than once an epoch.
    /// A sixteenth (16 of 256) teaches 300 corrections of a new style fully; an eighth cost the default run 0.16
    /// points of MNIST accuracy for nothing more (DigitBench learning).
    /// </summary>
    public double CorrectionShare { get; init; } = 0.0625;

    /// <summary>Seed of the initial weights, the shuffle, dropout and augmentation.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Threads libtorch may use; 0 means every core.</summary>
    public int Threads { get; init; }

    /// <summary>Progress is reported every this many batches.</summary>
    public int ProgressEveryBatches { get; init; } = 10;

    /// <summary>The threads libtorch uses: <see cref="Threads"/>, or the processor count when that is 0.</summary>
    public int EffectiveThreads => Threads > 0 ? Threads : Environment.ProcessorCount;

    /// <summary>The defaults of a recipe.</summary>
    public static TrainingOptions For(TrainingRecipe recipe) => recipe switch
    {
        TrainingRecipe.Fast => new TrainingOptions(),
        TrainingRecipe.Classic => new TrainingOptions
        {
            Architecture = CnnArchitecture.Classic,
            Epochs = 3,
            BatchSize = 128,
            Schedule = new StaircaseDecay(Initial: 1e-3, Factor: 0.93, Every: 400),
            LabelSmoothing = 0,
            Augmentation = null,
        },
        // Fast's network and schedule; the pen changes keep the ink's size, as the served preprocessing does for a fat pen.
        // Measured with two libtorch threads at seed 42: distorting 3 in 4 images with smoothing 0.1 read the drawings
        // set at 98.40 %, 0.57 points below the shipped model; 85 in 100 with smoothing 0.05 at 98.63 % (seed 1: 98.60 %).
        TrainingRecipe.Canvas => new TrainingOptions
        {
            LabelSmoothing = 0.05,
            Augmentation = new AugmentationOptions(KeepInkSize: true, Share: 0.85),
        },
        _ => throw new ArgumentOutOfRangeException(nameof(recipe), recipe, "Unknown recipe."),
    };

    /// <summary>Corrections added to each batch when the run has <paramref name="corrections"/> of them.</summary>
    public int CorrectionsPerBatch(int corrections) =>
        corrections <= 0 || CorrectionShare == 0 ? 0 : Math.Min(corrections, Math.Max(1, (int)Math.Round(BatchSize * CorrectionShare)));

    /// <summary>Optimizer steps of the whole run on a training set of <paramref name="samples"/> images.</summary>
    public long TotalSteps(int samples) => (long)Epochs * ((samples + BatchSize - 1) / BatchSize);

    internal void Validate()
    {
        if (!Enum.IsDefined(Architecture)) throw new ArgumentOutOfRangeException(nameof(Architecture), Architecture, "Unknown network.");
        if (Epochs < 1) throw new ArgumentOutOfRangeException(nameof(Epochs), Epochs, "Train at least one epoch.");
        if (BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "The batch needs at least one sample.");
        ArgumentNullException.ThrowIfNull(Schedule);
        Schedule.Validate();
        Augmentation?.Validate();
        if (CorrectionShare is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(CorrectionShare), CorrectionShare, "Take 0 up to (not including) 1 of each batch from corrections.");
        if (LabelSmoothing is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(LabelSmoothing), LabelSmoothing, "Smooth labels by 0 up to (not including) 1.");
        if (Threads < 0) throw new ArgumentOutOfRangeException(nameof(Threads), Threads, "Use 0 for every core, or a positive count.");
        if (ProgressEveryBatches < 1) throw new ArgumentOutOfRangeException(nameof(ProgressEveryBatches), ProgressEveryBatches, "Report every one batch or more.");
    }
}
