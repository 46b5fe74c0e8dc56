using Digit.Training.Data;
using Digit.Training.Tests.TestSupport;
using Digit.Training.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Digit.Training.Tests.Training;

[Collection(MnistCollection.Name)]
public sealed class EpochTrainerTests(MnistFixture mnist)
{
    // The fast recipe: batch-normalised network, one-cycle schedule, label smoothing.
    private static readonly TrainingOptions SmallRun = new() { BatchSize = 64, Seed = 7, ProgressEveryBatches = 2, Threads = 2 };

    public static TheoryData<TrainingRecipe, bool> Recipes => new()
    {
        { TrainingRecipe.Fast, false },
        { TrainingRecipe.Fast, true },
        { TrainingRecipe.Classic, false },
        { TrainingRecipe.Canvas, false },
    };

    private static TrainingOptions SmallRunOf(TrainingRecipe recipe, bool augment = false)
    {
        var options = TrainingOptions.For(recipe) with { Epochs = 3, BatchSize = 64, Seed = 7, ProgressEveryBatches = 2, Threads = 2 };
        // Canvas brings its own augmentation; the flag adds the default one to the others.
        return augment ? options with { Augmentation = new AugmentationOptions() } : options;
    }

    private MnistSet Subset(int count) => mnist.Data.Train.Take(count);

    [Fact]
    public void TorchSharp_LoadsOnThisMachine_AndComputes()
    {
        using var a = torch.tensor(new float[] { 1, 2, 3 });
        using var sum = a.sum();

        Assert.Equal(6f, sum.item<float>());
    }

    [Theory]
    [MemberData(nameof(Recipes))]
    public void TrainEpoch_ResumedFromSavedCheckpoint_GivesSameWeightsAsStraightRun(TrainingRecipe recipe, bool augment)
    {
        var train = Subset(640);
        var trainer = new EpochTrainer(SmallRunOf(recipe, augment));

        var straight1 = trainer.TrainEpoch(train, null, null, CancellationToken.None);
        var straight2 = trainer.TrainEpoch(train, straight1.Checkpoint, null, CancellationToken.None);

        var first = trainer.TrainEpoch(train, null, null, CancellationToken.None);
        var saved = first.Checkpoint!.ToBytes();
        var resumed = trainer.TrainEpoch(train, TrainingCheckpoint.FromBytes(saved), null, CancellationToken.None);

        Assert.Equal(2, resumed.Checkpoint!.EpochsCompleted);
        Assert.Equal(straight2.Checkpoint!.Step, resumed.Checkpoint.Step);
        Assert.Equal(straight2.Checkpoint.TotalSteps, resumed.Checkpoint.TotalSteps);
        Assert.Equal(straight2.Report.Loss, resumed.Report.Loss);
        Assert.Equal(State(straight2.Checkpoint), State(resumed.Checkpoint));
        Assert.NotEqual(State(straight1.Checkpoint!), State(straight2.Checkpoint));
    }

    [Fact]
    public void TrainEpoch_Checkpoint_CarriesTheNetworkAndTheRunLengthTheScheduleNeeds()
    {
        var options = SmallRunOf(TrainingRecipe.Fast);
        var trainer = new EpochTrainer(options);

        var first = trainer.TrainEpoch(Subset(640), null, null, CancellationToken.None).Checkpoint!;
        var restored = TrainingCheckpoint.FromBytes(first.ToBytes());
        // Options for a longer run do not change a run already under way.
        var resumed = new EpochTrainer(options with { Epochs = 10 }).TrainEpoch(Subset(640), restored, null, CancellationToken.None).Checkpoint!;

        Assert.Equal(options.Architecture, restored.Architecture);
        Assert.Equal(3 * 10, restored.TotalSteps);
        Assert.Equal(10, restored.Step);
        Assert.Equal(3 * 10, resumed.TotalSteps);
        Assert.Equal(20, resumed.Step);
    }

    [Fact]
    public void TrainEpoch_BatchNormalisedNetwork_KeepsRunningStatisticsInTheCheckpoint()
    {
        var trainer = new EpochTrainer(SmallRun);

        var checkpoint = trainer.TrainEpoch(Subset(640), null, null, CancellationToken.None).Checkpoint!;
        using var model = checkpoint.RestoreModel();
        var norm = model.Layers.Select(layer => layer.Layer).OfType<TorchSharp.Modules.BatchNorm2d>().First();

        // Fresh statistics are mean 0 and variance 1; after an epoch on real images they are not.
        Assert.NotEqual(0f, norm.running_mean!.abs().sum().item<float>());
        Assert.NotEqual(norm.running_var!.numel(), (long)Math.Round(norm.running_var.sum().item<float>()));
    }

    [Fact]
    public void TrainEpoch_OnSmallSubset_LearnsSomething()
    {
        var train = Subset(2048);
        var trainer = new EpochTrainer(SmallRun);

        var result = trainer.TrainEpoch(train, null, null, CancellationToken.None);
        using var model = result.Checkpoint!.RestoreModel();
        var accuracy = ModelEvaluator.Accuracy(model, mnist.Data.Test.Take(1000));

        Assert.False(result.Report.Stopped);
        Assert.Equal(2048, result.Report.Samples);
        Assert.True(accuracy > 0.6, $"test accuracy after one small epoch was {accuracy:P1}");
    }

    [Fact]
    public void TrainEpoch_ReportsProgressThroughTheEpoch()
    {
        var train = Subset(640);
        var reports = new List<EpochProgress>();
        var trainer = new EpochTrainer(SmallRun);

        trainer.TrainEpoch(train, null, new SynchronousProgress<EpochProgress>(reports.Add), CancellationToken.None);

        Assert.Equal(5, reports.Count);
        Assert.Equal([20.0, 40.0, 60.0, 80.0, 100.0], reports.Select(r => Math.Round(r.Percentage, 6)));
        Assert.All(reports, r => Assert.Equal(1, r.Epoch));
        Assert.All(reports, r => Assert.InRange(r.Accuracy, 0, 1));
    }

    [Fact]
    public void TrainEpoch_CancelledMidEpoch_StopsWithinOneBatchAndKeepsTheCheckpoint()
    {
        var train = Subset(1280);
        var trainer = new EpochTrainer(SmallRun);
        var before = trainer.TrainEpoch(train.Take(128), null, null, CancellationToken.None).Checkpoint;
        using var stop = new CancellationTokenSource();
        var progress = new SynchronousProgress<EpochProgress>(p =>
        {
            if (p.Samples >= 256)
            {
                stop.Cancel();
            }
        });

        var result = trainer.TrainEpoch(train, before, progress, stop.Token);

        Assert.True(result.Report.Stopped);
        Assert.Equal(256, result.Report.Samples);
        Assert.Same(before, result.Checkpoint);
    }

    [Fact]
    public void TrainEpoch_CancelledBeforeStart_ReturnsStoppedWithoutCheckpoint()
    {
        var trainer = new EpochTrainer(SmallRun);

        var result = trainer.TrainEpoch(Subset(128), null, null, new CancellationToken(canceled: true));

        Assert.True(result.Report.Stopped);
        Assert.Equal(0, result.Report.Samples);
        Assert.Null(result.Checkpoint);
    }

    [Fact]
    public void TrainEpoch_LiveTensorCount_DoesNotGrowWithTheNumberOfBatches()
    {
        // Building and disposing a module leaves a fixed count in TorchSharp's statistics, so compare an
        // epoch of 10 batches with one of 20: any tensor left behind per step would show as a difference.
        var trainer = new EpochTrainer(SmallRun);
        var start = trainer.TrainEpoch(Subset(128), null, null, CancellationToken.None).Checkpoint;

        var afterShort = LiveTensorGrowth(() => trainer.TrainEpoch(Subset(640), start, null, CancellationToken.None));
        var afterLong = LiveTensorGrowth(() => trainer.TrainEpoch(Subset(1280), start, null, CancellationToken.None));

        Assert.Equal(afterShort, afterLong);
    }

    private static long LiveTensorGrowth(Action work)
    {
        var before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        work();
        return DisposeScopeManager.Statistics.ThreadTotalLiveCount - before;
    }

    // Weights and buffers (batch normalisation's running statistics).
    private static float[] State(TrainingCheckpoint checkpoint)
    {
        using var model = checkpoint.RestoreModel();
        return model.parameters().Concat(model.buffers().Where(b => b.dtype == ScalarType.Float32))
            .SelectMany(p => p.data<float>().ToArray()).ToArray();
    }

    [Fact]
    public void TrainEpoch_WithCorrections_ResumesExactlyAndDiffersFromARunWithout()
    {
        var train = Subset(640);
        var corrections = mnist.Data.Test.Take(24);
        var trainer = new EpochTrainer(SmallRunOf(TrainingRecipe.Fast, augment: true));

        var straight1 = trainer.TrainEpoch(train, null, null, CancellationToken.None, corrections);
        var straight2 = trainer.TrainEpoch(train, straight1.Checkpoint, null, CancellationToken.None, corrections);
        var resumed = trainer.TrainEpoch(train, TrainingCheckpoint.FromBytes(straight1.Checkpoint!.ToBytes()), null, CancellationToken.None, corrections);
        var without = trainer.TrainEpoch(train, null, null, CancellationToken.None);

        Assert.Equal(State(straight2.Checkpoint!), State(resumed.Checkpoint!));
        Assert.NotEqual(State(straight1.Checkpoint!), State(without.Checkpoint!));
        // The schedule counts MNIST batches only: corrections make batches larger, not more.
        Assert.Equal(without.Checkpoint!.Step, straight1.Checkpoint.Step);
        Assert.Equal(640, straight1.Report.Samples);
    }

    [Fact]
    public void TrainEpoch_WithCorrectionsOfAStyleMnistLacks_LearnsToReadThatStyle()
    {
        // Upside-down digits: a way of writing MNIST never shows. 200 of them teach it; others of the style are read.
        var train = Subset(6000);
        var upsideDown = UpsideDown(mnist.Data.Test.Take(1200));
        var taught = upsideDown.Take(200);
        var unseen = new MnistSet(upsideDown.Pixels[(1000 * 784)..], upsideDown.Labels[1000..]);
        var options = TrainingOptions.For(TrainingRecipe.Fast) with { Epochs = 2, Seed = 3, Threads = 2 };

        var without = Accuracy(TrainTwice(new EpochTrainer(options), train, null), unseen);
        var with = Accuracy(TrainTwice(new EpochTrainer(options), train, taught), unseen);

        Assert.True(with > without + 0.2, $"upside-down digits read {with:P1} after training on 200 of them, {without:P1} without");
    }

    private static TrainingCheckpoint TrainTwice(EpochTrainer trainer, MnistSet train, MnistSet? corrections)
    {
        var first = trainer.TrainEpoch(train, null, null, CancellationToken.None, corrections);
        return trainer.TrainEpoch(train, first.Checkpoint, null, CancellationToken.None, corrections).Checkpoint!;
    }

    private static double Accuracy(TrainingCheckpoint checkpoint, MnistSet set)
    {
        using var model = checkpoint.RestoreModel();
        return ModelEvaluator.Accuracy(model, set);
    }

    private static MnistSet UpsideDown(MnistSet set)
    {
        var pixels = new byte[set.Pixels.Length];
        for (var i = 0; i < set.Count; i++)
        {
            var image = set.Image(i);
            for (var p = 0; p < 784; p++)
            {
                pixels[i * 784 + p] = image[783 - p];
            }
        }
        return new MnistSet(pixels, set.Labels);
    }
}
