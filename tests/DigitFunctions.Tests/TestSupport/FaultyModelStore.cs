using Digit.Service.Models;

namespace Digit.Functions.Tests.TestSupport;

/// <summary>A model store that fails where a test says so and records the checkpoints that pass through it.</summary>
internal sealed class FaultyModelStore(IModelStore inner) : IModelStore
{
    private readonly Lock _lock = new();
    private readonly List<byte[]> _saved = [];
    private readonly List<byte[]?> _read = [];
    private int _saves;
    private int _publishes;

    /// <summary>The checkpoint save (1-based, counting every attempt) that fails; 0 = none.</summary>
    public int FailingSave { get; init; }

    /// <summary>When set, every publish fails with it.</summary>
    public Exception? PublishFailure { get; init; }

    public IReadOnlyList<byte[]> SavedCheckpoints => Snapshot(_saved);

    public IReadOnlyList<byte[]?> ReadCheckpoints => Snapshot(_read);

    public int SaveAttempts => Volatile.Read(ref _saves);

    public int PublishAttempts => Volatile.Read(ref _publishes);

    public Task<ModelVersion?> GetCurrentAsync(CancellationToken cancellationToken) => inner.GetCurrentAsync(cancellationToken);

    public Task<byte[]> ReadModelAsync(string version, CancellationToken cancellationToken) => inner.ReadModelAsync(version, cancellationToken);

    public Task<ModelVersion> PublishAsync(byte[] onnxModel, double? accuracy, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _publishes);
        return PublishFailure is null ? inner.PublishAsync(onnxModel, accuracy, cancellationToken) : Task.FromException<ModelVersion>(PublishFailure);
    }

    public Task SaveCheckpointAsync(string runId, byte[] checkpoint, CancellationToken cancellationToken)
    {
        if (Interlocked.Increment(ref _saves) == FailingSave)
        {
            throw new IOException($"Checkpoint storage dropped the write of save {FailingSave}.");
        }
        lock (_lock)
        {
            _saved.Add(checkpoint);
        }
        return inner.SaveCheckpointAsync(runId, checkpoint, cancellationToken);
    }

    public async Task<byte[]?> ReadCheckpointAsync(string runId, CancellationToken cancellationToken)
    {
        var checkpoint = await inner.ReadCheckpointAsync(runId, cancellationToken);
        lock (_lock)
        {
            _read.Add(checkpoint);
        }
        return checkpoint;
    }

    public Task DeleteCheckpointAsync(string runId, CancellationToken cancellationToken) => inner.DeleteCheckpointAsync(runId, cancellationToken);

    private List<T> Snapshot<T>(List<T> list)
    {
        lock (_lock)
        {
            return [.. list];
        }
    }
}
