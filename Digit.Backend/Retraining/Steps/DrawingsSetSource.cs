using Digit.Training.Data;
using Digit.Training.Evaluation;

namespace Digit.Backend.Retraining.Steps;

/// <summary>
/// The seeded synthetic drawings set (<see cref="DrawingsSet"/>) the publish rule scores models on, made from the
/// MNIST test images once per process and kept: every run of the process is judged on the same drawings.
/// </summary>
public sealed class DrawingsSetSource(MnistDataSource mnist)
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
            _set ??= await Task.Run(() => DrawingsSet.Create(data.Test), cancellationToken);
            return _set;
        }
        finally
        {
            _gate.Release();
        }
    }
}
