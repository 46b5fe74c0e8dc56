namespace Digit.Service.Models;

/// <summary>One published model: its version name, its test accuracy (fraction 0..1) and when it was published.</summary>
public sealed record ModelVersion(string Version, double? Accuracy, DateTimeOffset PublishedAt);

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

    /// <summary>Stores the model as a new version, then makes it current.</summary>
    Task<ModelVersion> PublishAsync(byte[] onnxModel, double? accuracy, CancellationToken cancellationToken);

    /// <summary>Saves (replacing) the checkpoint of a training run.</summary>
    Task SaveCheckpointAsync(string runId, byte[] checkpoint, CancellationToken cancellationToken);

    /// <summary>The run's last checkpoint, or null when it has none yet.</summary>
    Task<byte[]?> ReadCheckpointAsync(string runId, CancellationToken cancellationToken);

    /// <summary>Removes a run's checkpoint; nothing happens when there is none.</summary>
    Task DeleteCheckpointAsync(string runId, CancellationToken cancellationToken);
}

public sealed class ModelNotFoundException(string version)
    : Exception($"Model version '{version}' is not in the model store.")
{
    public string Version { get; } = version;
}
