namespace Digit.Training.Training;

/// <summary>The named ways to train: each is a full set of <see cref="TrainingOptions"/> defaults.</summary>
public enum TrainingRecipe
{
    /// <summary>The batch-normalised compact network, one-cycle learning rate, larger batch, drawing-like augmentation.</summary>
    Fast,

    /// <summary>The old service's recipe: its network, Adam 1e-3 with staircase decay, batch 128, 3 epochs.</summary>
    Classic,
}
