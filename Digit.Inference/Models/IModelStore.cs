namespace Digit.Inference.Models;

/// <summary>
/// One stored model: its version name, its test accuracy (fraction 0..1), when it was stored, and where it came
/// from when that is known: the origin (<see cref="ModelOrigins.Shipped"/>, or the id of the run that trained it),
/// its epochs, the training images it saw and when it was trained.
/// </summary>
public sealed record ModelVersion(string Version, double? Accuracy, DateTimeOffset PublishedAt)
{
    /// <summary><see cref="ModelOrigins.Shipped"/>, or the id of the run that trained the model; null when unknown.</summary>
    public string? Origin { get; init; }

    /// <summary>Epochs the model was trained for, when known.</summary>
    public int? Epochs { get; init; }

    /// <summary>Training images per epoch, when known.</summary>
    public int? Images { get; init; }

    /// <summary>When the model was trained, when known.</summary>
    public DateTimeOffset? TrainedAt { get; init; }

    /// <summary>Accuracy (fraction 0..1) on the seeded synthetic set of canvas drawings, when measured.</summary>
    public double? DrawingsAccuracy { get; init; }

    /// <summary>Accuracy (fraction 0..1) on the held-out corrections when it was published, when there were enough.</summary>
    public double? CorrectionsAccuracy { get; init; }

    /// <summary>Corrections the model was trained on, when known.</summary>
    public int? Corrections { get; init; }
}

/// <summary>What is known about a model when it is stored.</summary>
public sealed record ModelDescription(
    double? Accuracy,
    string? Origin = null,
    int? Epochs = null,
    int? Images = null,
    DateTimeOffset? TrainedAt = null)
{
    /// <summary>Accuracy (fraction 0..1) on the seeded synthetic set of canvas drawings, when measured.</summary>
    public double? DrawingsAccuracy { get; init; }

    /// <summary>Accuracy (fraction 0..1) on the held-out corrections, when there were enough to measure.</summary>
    public double? CorrectionsAccuracy { get; init; }

    /// <summary>Corrections the model was trained on, when known.</summary>
    public int? Corrections { get; init; }
}

/// <summary>Where a stored model came from.</summary>
public static class ModelOrigins
{
    /// <summary>The model shipped with the code (models/digits.onnx).</summary>
    public const string Shipped = "shipped";
}

/// <summary>
/// Where models and training checkpoints live. The store records which version is current; writes are
/// atomic, so a reader never sees half a model or a pointer to a model that is not there yet.
/// Version names sort in publishing order. Run ids of checkpoints name files and blobs, so they may only
/// hold letters, digits, '.', '_' and '-' (an <see cref="ArgumentException"/> otherwise).
/// </summary>
public interface IModelStore
{
    /// <summary>The current version, or null when nothing was ever published.</summary>
    Task<ModelVersion?> GetCurrentAsync(CancellationToken cancellationToken);

    /// <summary>The ONNX bytes of a version; <see cref="ModelNotFoundException"/> when it is not there.</summary>
    Task<byte[]> ReadModelAsync(string version, CancellationToken cancellationToken);

    /// <summary>Stores the model as a new version with its description; it is not served until activated.</summary>
    Task<ModelVersion> StoreAsync(byte[] onnxModel, ModelDescription description, CancellationToken cancellationToken);

    /// <summary>Makes a stored version the current one; <see cref="ModelNotFoundException"/> when it is not stored.</summary>
    Task<ModelVersion> ActivateAsync(string version, CancellationToken cancellationToken);

    /// <summary>
    /// Makes a stored version the current one only while the current one is still <paramref name="expectedCurrent"/>
    /// (null: no version is current), in one atomic step against other writers of the pointer; null when the current
    /// version is another one and nothing was changed. <see cref="ModelNotFoundException"/> when it is not stored.
    /// </summary>
    Task<ModelVersion?> ActivateIfCurrentAsync(string version, string? expectedCurrent, CancellationToken cancellationToken);

    /// <summary>Every stored version, oldest first.</summary>
    Task<IReadOnlyList<ModelVersion>> ListVersionsAsync(CancellationToken cancellationToken);

    /// <summary>Saves (replacing) the checkpoint of a training run.</summary>
    Task SaveCheckpointAsync(string runId, byte[] checkpoint, CancellationToken cancellationToken);

    /// <summary>The run's last checkpoint, or null when it has none yet.</summary>
    Task<byte[]?> ReadCheckpointAsync(string runId, CancellationToken cancellationToken);

    /// <summary>Removes a run's checkpoint; nothing happens when there is none.</summary>
    Task DeleteCheckpointAsync(string runId, CancellationToken cancellationToken);

    /// <summary>The run ids that have a checkpoint.</summary>
    Task<IReadOnlyList<string>> ListCheckpointsAsync(CancellationToken cancellationToken);
}

/// <summary>A version that is not in the model store.</summary>
public sealed class ModelNotFoundException(string version)
    : Exception($"Model version '{version}' is not in the model store.")
{
    /// <summary>The version asked for.</summary>
    public string Version { get; } = version;
}

/// <summary>Storing and activating in one step.</summary>
public static class ModelStoreExtensions
{
    /// <summary>Stores the model as a new version, then makes it current.</summary>
    public static async Task<ModelVersion> PublishAsync(this IModelStore store, byte[] onnxModel, ModelDescription description, CancellationToken cancellationToken)
    {
        var stored = await store.StoreAsync(onnxModel, description, cancellationToken);
        return await store.ActivateAsync(stored.Version, cancellationToken);
    }

    /// <summary>Stores the model (known only by its accuracy) as a new version, then makes it current.</summary>
    public static Task<ModelVersion> PublishAsync(this IModelStore store, byte[] onnxModel, double? accuracy, CancellationToken cancellationToken) =>
        store.PublishAsync(onnxModel, new ModelDescription(accuracy), cancellationToken);
}

/// <summary>The names a model store accepts for versions and run ids.</summary>
public static class ModelStoreNames
{
    /// <summary>
    /// Letters, digits, '.', '_' and '-', starting with a letter or digit, at most 128 characters: a name that can be
    /// a file or blob name, with no path separators or "..".
    /// </summary>
    public static bool IsValid(string? name) => ModelStoreLayout.IsValidName(name);
}
