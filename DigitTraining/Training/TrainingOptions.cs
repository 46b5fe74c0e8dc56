namespace Digit.Training.Training;

/// <summary>Everything that decides how a model is trained. The seed also drives the shuffle and dropout.</summary>
public sealed record TrainingOptions
{
    public int Epochs { get; init; } = 3;
    public int BatchSize { get; init; } = 128;
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Staircase decay: the learning rate is multiplied by this every <see cref="DecaySteps"/> steps.</summary>
    public double DecayRate { get; init; } = 0.93;
    public int DecaySteps { get; init; } = 400;
    public int Seed { get; init; } = 42;

    /// <summary>Threads libtorch may use; 0 means every core.</summary>
    public int Threads { get; init; }

    /// <summary>Progress is reported every this many batches.</summary>
    public int ProgressEveryBatches { get; init; } = 10;

    public int EffectiveThreads => Threads > 0 ? Threads : Environment.ProcessorCount;

    /// <summary>The learning rate in force at a given optimizer step.</summary>
    public double LearningRateAt(long step) => LearningRate * Math.Pow(DecayRate, step / DecaySteps);

    public void Validate()
    {
        if (Epochs < 1) throw new ArgumentOutOfRangeException(nameof(Epochs), Epochs, "Train at least one epoch.");
        if (BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "The batch needs at least one sample.");
        if (LearningRate <= 0) throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "The learning rate must be positive.");
        if (DecaySteps < 1) throw new ArgumentOutOfRangeException(nameof(DecaySteps), DecaySteps, "Decay every one step or more.");
        if (Threads < 0) throw new ArgumentOutOfRangeException(nameof(Threads), Threads, "Use 0 for every core, or a positive count.");
        if (ProgressEveryBatches < 1) throw new ArgumentOutOfRangeException(nameof(ProgressEveryBatches), ProgressEveryBatches, "Report every one batch or more.");
    }
}
