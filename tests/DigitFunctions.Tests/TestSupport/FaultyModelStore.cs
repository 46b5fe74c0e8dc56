using Digit.Inference.Models;

namespace Digit.Functions.Tests.TestSupport;

/// <summary>
/// A model store that fails or waits where a test says so and records the checkpoints that pass through it.
/// </summary>
internal sealed class FaultyModelStore(IModelStore inner) : IModelStore
{
    private readonly Lock _lock = new();
    private readonly List<byte[]> _saved = [];
    private readonly List<byte[]?> _read = [];
    private readonly List<(string RunId, bool Found)> _readsByRun = [];
    private int _saves;
    private int _stores;
    private int _reads;

    /// <summary>The checkpoint save (1-based, counting every attempt) that fails; 0 = none.</summary>
    public int FailingSave { get; init; }

    /// <summary>When set, every attempt to store a model fails with it.</summary>
    public Exception? StoreFailure { get; init; }

    /// <summary>The checkpoint read (1-based, counting every read) that waits for <see cref="CheckpointReadGate"/>; 0 = none.</summary>
    public int GatedCheckpointRead { get; init; }

    /// <summary>Opened by the test: the gated read goes on. A step is then under way and has committed nothing.</summary>
    public TaskCompletionSource CheckpointReadGate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the gated read reaches the gate.</summary>
    public TaskCompletionSource CheckpointReadWaiting { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The checkpoint save (1-based, counting every attempt) that waits for <see cref="CheckpointSaveGate"/> before it writes; 0 = none.</summary>
    public int GatedSave { get; init; }

    /// <summary>Opened by the test: the gated save writes. Its step has confirmed its run and is about to commit.</summary>
    public TaskCompletionSource CheckpointSaveGate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the gated save reaches the gate.</summary>
    public TaskCompletionSource CheckpointSaveWaiting { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The model store (1-based, counting every attempt) that waits for <see cref="StoreGate"/> once stored; 0 = none.</summary>
    public int GatedStore { get; init; }

    /// <summary>Opened by the test: the gated store returns. Its step has confirmed its run and stored the model.</summary>
    public TaskCompletionSource StoreGate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes with the stored version when the gated store reaches the gate.</summary>
    public TaskCompletionSource<ModelVersion> StoreWaiting { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyList<byte[]> SavedCheckpoints => Snapshot(_saved);

    public IReadOnlyList<byte[]?> ReadCheckpoints => Snapshot(_read);

    /// <summary>Every checkpoint read: the run, and whether it found one.</summary>
    public IReadOnlyList<(string RunId, bool Found)> CheckpointReadsByRun => Snapshot(_readsByRun);

    public int SaveAttempts => Volatile.Read(ref _saves);

    public int StoreAttempts => Volatile.Read(ref _stores);

    public Task<ModelVersion?> GetCurrentAsync(CancellationToken cancellationToken) => inner.GetCurrentAsync(cancellationToken);

    public Task<byte[]> ReadModelAsync(string version, CancellationToken cancellationToken) => inner.ReadModelAsync(version, cancellationToken);

    public async Task<ModelVersion> StoreAsync(byte[] onnxModel, ModelDescription description, CancellationToken cancellationToken)
    {
        var store = Interlocked.Increment(ref _stores);
        if (StoreFailure is not null)
        {
            throw StoreFailure;
        }
        var stored = await inner.StoreAsync(onnxModel, description, cancellationToken);
        if (store == GatedStore)
        {
            StoreWaiting.TrySetResult(stored);
            await StoreGate.Task;
        }
        return stored;
    }

    public Task<ModelVersion> ActivateAsync(string version, CancellationToken cancellationToken) => inner.ActivateAsync(version, cancellationToken);

    public Task<ModelVersion?> ActivateIfCurrentAsync(string version, string? expectedCurrent, CancellationToken cancellationToken) =>
        inner.ActivateIfCurrentAsync(version, expectedCurrent, cancellationToken);

    public Task<IReadOnlyList<ModelVersion>> ListVersionsAsync(CancellationToken cancellationToken) => inner.ListVersionsAsync(cancellationToken);

    public async Task SaveCheckpointAsync(string runId, byte[] checkpoint, CancellationToken cancellationToken)
    {
        var save = Interlocked.Increment(ref _saves);
        if (save == FailingSave)
        {
            throw new IOException($"Checkpoint storage dropped the write of save {FailingSave}.");
        }
        if (save == GatedSave)
        {
            CheckpointSaveWaiting.TrySetResult();
            await CheckpointSaveGate.Task.WaitAsync(cancellationToken);
        }
        lock (_lock)
        {
            _saved.Add(checkpoint);
        }
        await inner.SaveCheckpointAsync(runId, checkpoint, cancellationToken);
    }

    public async Task<byte[]?> ReadCheckpointAsync(string runId, CancellationToken cancellationToken)
    {
        if (Interlocked.Increment(ref _reads) == GatedCheckpointRead)
        {
            CheckpointReadWaiting.TrySetResult();
            await CheckpointReadGate.Task.WaitAsync(cancellationToken);
        }
        var checkpoint = await inner.ReadCheckpointAsync(runId, cancellationToken);
        lock (_lock)
        {
            _read.Add(checkpoint);
            _readsByRun.Add((runId, checkpoint is not null));
        }
        return checkpoint;
    }

    public Task DeleteCheckpointAsync(string runId, CancellationToken cancellationToken) => inner.DeleteCheckpointAsync(runId, cancellationToken);

    public Task<IReadOnlyList<string>> ListCheckpointsAsync(CancellationToken cancellationToken) => inner.ListCheckpointsAsync(cancellationToken);

    private List<T> Snapshot<T>(List<T> list)
    {
        lock (_lock)
        {
            return [.. list];
        }
    }
}
