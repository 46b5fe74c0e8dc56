using Digit.Training.Data;
using Digit.Training.Evaluation;

namespace Digit.Backend.Retraining.Steps;

/// <summary>
/// The seeded synthetic drawings set (<see cref="DrawingsSet"/>) the publish rule scores models on, made from the
/// MNIST test images once per process and kept: every run of the process is judged on the same drawings.
/// </summary>
public sealed class DrawingsSetSource(MnistDataSource mnist, TrainingThread trainingThread)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private MnistSet? _set;

    internal async Task<MnistSet> GetAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _set) is { } made)
        {
            return made;
        }
        var data = await mnist.GetAsync(cancellationToken);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            // On the training thread, one drawing at a time: drawing on every pool thread delayed the progress
            // stream's events past a second.
            _set ??= await trainingThread.RunAsync(() => DrawingsSet.Create(data.Test, parallelism: 1), cancellationToken);
            return _set;
        }
        finally
        {
            _gate.Release();
        }
    }
}
