using Digit.Training.Data;
using static TorchSharp.torch;

namespace Digit.Training.Training;

/// <summary>
/// The corrections of one epoch, joined to each MNIST batch a few at a time: batch b takes the next
/// <c>perBatch</c> of a seeded order of them, going round again when they run out, so every correction is seen
/// about equally often and the epoch is the same again for the same seed.
/// </summary>
internal sealed class CorrectionBatches : IDisposable
{
    private readonly Tensor _images;
    private readonly Tensor _targets;
    private readonly long[] _order;
    private readonly int _perBatch;

    private CorrectionBatches(MnistSet corrections, int perBatch, int seed)
    {
        _images = tensor(corrections.Pixels, [corrections.Count, 1, MnistSet.ImageSide, MnistSet.ImageSide]);
        _targets = tensor(corrections.Labels).to_type(ScalarType.Int64);
        _order = EpochTrainer.Shuffle(corrections.Count, seed);
        _perBatch = perBatch;
    }

    /// <summary>Null when there is nothing to join (no corrections, or none a batch).</summary>
    public static CorrectionBatches? Create(MnistSet? corrections, int perBatch, int seed) =>
        corrections is { Count: > 0 } && perBatch > 0 ? new CorrectionBatches(corrections, perBatch, seed) : null;

    /// <summary>The MNIST batch <paramref name="batch"/> (bytes, [n,1,28,28]) with its share of corrections after it.</summary>
    public (Tensor Images, Tensor Targets) Join(Tensor images, Tensor targets, int batch)
    {
        var picked = new long[_perBatch];
        for (var i = 0; i < _perBatch; i++)
        {
            picked[i] = _order[(int)(((long)batch * _perBatch + i) % _order.Length)];
        }
        using var indices = tensor(picked);
        return (cat([images, _images.index_select(0, indices)]), cat([targets, _targets.index_select(0, indices)]));
    }

    public void Dispose()
    {
        _images.Dispose();
        _targets.Dispose();
    }
}
