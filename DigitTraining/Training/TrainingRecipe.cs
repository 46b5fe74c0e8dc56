namespace Digit.Training.Training;

/// <summary>
/// The named ways to train: each is a full set of <see cref="TrainingOptions"/> defaults. A run carries its recipe by
/// name, so a name keeps its meaning once released: a better recipe gets a new name.
/// </summary>
public enum TrainingRecipe
{
    /// <summary>
    /// A small batch-normalised network with stride-2 convolutions (<see cref="Model.CnnArchitecture.Strided16Wide"/>),
    /// a one-cycle learning rate peaking at 0.02, label smoothing 0.1, batch 256, 2 epochs.
    /// </summary>
    Fast,

    /// <summary>The old service's recipe: its network, Adam 1e-3 with staircase decay, batch 128, 3 epochs.</summary>
    Classic,

    /// <summary>
    /// The default (<see cref="TrainingOptions.DefaultRecipe"/>): <see cref="Fast"/>'s schedule with augmented images,
    /// so its model reads people's drawings about as well as the shipped one, in about the time <see cref="Fast"/> takes.
    /// </summary>
    Canvas,
}
