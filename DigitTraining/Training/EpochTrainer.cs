using System.Diagnostics;
using Digit.Training.Data;
using Digit.Training.Model;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Digit.Training.Training;

/// <summary>
/// Trains the CNN one epoch at a time. Each call starts from a checkpoint (or fresh weights), runs one
/// shuffled (and, when the options say so, augmented) pass over the training set and returns the next checkpoint.
/// The shuffle, dropout and augmentation of epoch k depend only on the seed and k, so stopping after any epoch and resuming from its checkpoint gives the
/// same weights as training straight through.
/// </summary>
public sealed class EpochTrainer
{
    // Keras's Adam default (torch's is 1e-8); the old service trained with Keras.
    private const double AdamEpsilon = 1e-7;

    private readonly TrainingOptions _options;

    /// <summary>A trainer for <paramref name="options"/>, which are checked here: an <see cref="ArgumentException"/> names the first that is not valid.</summary>
    public EpochTrainer(TrainingOptions options)
    {
        options.Validate();
        _options = options;
    }

    /// <summary>
    /// Trains the epoch after <paramref name="from"/>. Cancellation is checked before every batch; a cancelled
    /// epoch returns within one batch with <see cref="EpochReport.Stopped"/> set and <paramref name="from"/> unchanged
    /// as its checkpoint (null when it was the first epoch). Every batch of MNIST images is joined by
    /// <see cref="TrainingOptions.CorrectionsPerBatch"/> of <paramref name="corrections"/>, drawn in a seeded order
    /// that goes round them again and again; progress and the schedule count MNIST batches, as without corrections.
    /// </summary>
    public EpochResult TrainEpoch(
        MnistSet train,
        TrainingCheckpoint? from,
        IProgress<EpochProgress>? progress,
        CancellationToken cancellationToken,
        MnistSet? corrections = null)
    {
        try
        {
            return Train(train, corrections, from, progress, cancellationToken);
        }
        finally
        {
            // The epoch's tensors are disposed by now; what they used goes back to the system between epochs.
            NativeAllocator.ReleaseFreeMemory();
        }
    }

    private EpochResult Train(MnistSet train, MnistSet? corrections, TrainingCheckpoint? from, IProgress<EpochProgress>? progress, CancellationToken cancellationToken)
    {
        TorchRuntime.UseThreads(_options.EffectiveThreads);
        var epoch = (from?.EpochsCompleted ?? 0) + 1;
        var seed = from?.Seed ?? _options.Seed;
        // The network and the run's length are fixed when the run starts; the schedule depends on the latter.
        var architecture = from?.Architecture ?? _options.Architecture;
        var totalSteps = from?.TotalSteps ?? _options.TotalSteps(train.Count);
        // Weight initialisation, dropout and augmentation draw from libtorch's generator; seeding it per epoch
        // makes the epoch repeatable from its checkpoint alone.
        torch.manual_seed(EpochSeed(seed, epoch));

        using var model = from?.RestoreModel() ?? new DigitCnn(architecture);
        using var optimizer = torch.optim.Adam(model.parameters(), lr: _options.Schedule.At(0, totalSteps), eps: AdamEpsilon);
        from?.RestoreOptimizer(optimizer);
        var step = from?.Step ?? 0;
        model.train();

        using var images = torch.tensor(train.Pixels, [train.Count, 1, MnistSet.ImageSide, MnistSet.ImageSide]);
        using var targets = torch.tensor(train.Labels).to_type(ScalarType.Int64);
        using var order = torch.tensor(Shuffle(train.Count, EpochSeed(seed, epoch)));
        var batches = (train.Count + _options.BatchSize - 1) / _options.BatchSize;
        using var extra = CorrectionBatches.Create(corrections, _options.CorrectionsPerBatch(corrections?.Count ?? 0), EpochSeed(seed, epoch) ^ CorrectionSeedSalt);
        var clock = Stopwatch.StartNew();
        double lossSum = 0;
        long correct = 0;
        long total = 0;
        var seen = 0;

        for (var b = 0; b < batches; b++)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                var partial = new EpochReport(epoch, Average(lossSum, total), Fraction(correct, total), seen, clock.Elapsed, Stopped: true);
                return new EpochResult(from, partial);
            }

            var count = Math.Min(_options.BatchSize, train.Count - b * _options.BatchSize);
            SetLearningRate(optimizer, _options.Schedule.At(step, totalSteps));
            using (var scope = torch.NewDisposeScope())
            {
                var indices = order.narrow(0, (long)b * _options.BatchSize, count);
                var input = images.index_select(0, indices);
                var target = targets.index_select(0, indices);
                if (extra is not null)
                {
                    (input, target) = extra.Join(input, target, b);
                }
                input = input.to_type(ScalarType.Float32).div_(255f);
                if (_options.Augmentation is { } augmentation)
                {
                    input = BatchAugmenter.Apply(input, augmentation);
                }
                optimizer.zero_grad();
                var logits = model.call(input);
                var loss = torch.nn.functional.cross_entropy(logits, target, label_smoothing: _options.LabelSmoothing);
                loss.backward();
                optimizer.step();
                lossSum += loss.item<float>() * target.shape[0];
                total += target.shape[0];
                correct += logits.argmax(1).eq(target).sum().item<long>();
            }
            step++;
            seen += count;

            if (progress is not null && ((b + 1) % _options.ProgressEveryBatches == 0 || b + 1 == batches))
            {
                var elapsed = clock.Elapsed.TotalSeconds;
                progress.Report(new EpochProgress(epoch, 100.0 * seen / train.Count, Average(lossSum, total), Fraction(correct, total), seen, elapsed > 0 ? seen / elapsed : 0));
            }
        }

        var report = new EpochReport(epoch, Average(lossSum, total), Fraction(correct, total), seen, clock.Elapsed, Stopped: false);
        return new EpochResult(TrainingCheckpoint.Capture(model, optimizer, step, totalSteps, seed, report), report);
    }

    private static void SetLearningRate(Adam optimizer, double learningRate)
    {
        foreach (var group in optimizer.ParamGroups)
        {
            group.LearningRate = learningRate;
        }
    }

    internal static long[] Shuffle(int count, int seed)
    {
        var order = Enumerable.Range(0, count).Select(i => (long)i).ToArray();
        new Random(seed).Shuffle(order);
        return order;
    }

    // Corrections are drawn in an order of their own, so adding them leaves the MNIST shuffle as it was.
    private const int CorrectionSeedSalt = 0x5EED_C0DE;

    // Deterministic across processes (HashCode is randomised per process, so it cannot be used here).
    private static int EpochSeed(int seed, int epoch) => (int)(((long)seed * 1_000_003 + epoch) & int.MaxValue);

    private static double Average(double sum, long count) => count > 0 ? sum / count : 0;

    private static double Fraction(long part, long whole) => whole > 0 ? (double)part / whole : 0;
}
