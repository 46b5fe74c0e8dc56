using Digit.Backend.Hosting;
using Digit.Training.Data;
using Microsoft.Extensions.Options;

namespace Digit.Backend.Retraining.Steps;

/// <summary>
/// The MNIST files, read and verified once per process and kept for every later run. A failed load is not
/// kept, so fixing the data (scripts/fetch-mnist.sh) and retrying works without a restart.
/// </summary>
public sealed class MnistDataSource(IOptions<RetrainOptions> options)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private MnistData? _data;

    internal string Folder => options.Value.MnistPath;

    private MnistData Load(CancellationToken cancellationToken)
    {
        var data = MnistFiles.Load(Folder, cancellationToken);
        var samples = options.Value.Samples;
        return samples > 0 ? data with { Train = data.Train.Take(samples) } : data;
    }

    internal async Task<MnistData> GetAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _data) is { } loaded)
        {
            return loaded;
        }
        await _gate.WaitAsync(cancellationToken);
        try
        {
            // Reading and checking 55 MB blocks for a while: on its own thread, so the pool keeps serving requests.
            _data ??= await Task.Factory.StartNew(
                () => Load(cancellationToken), cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            return _data;
        }
        finally
        {
            _gate.Release();
        }
    }
}
