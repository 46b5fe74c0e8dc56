using Digit.Backend.Hosting;
using Digit.Backend.Retraining.Steps;
using Digit.Inference.Models;
using Digit.Testing;
using Digit.Testing.Hosts;
using Digit.Training.Data;
using Digit.Training.Evaluation;
using Digit.Training.Onnx;
using Digit.Training.Training;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Digit.Backend.Tests.Retraining;

/// <summary>The publish rule over real models: the shipped one, and one trained for a moment.</summary>
public sealed class PublishRuleTests : IDisposable
{
    private static readonly byte[] Shipped = File.ReadAllBytes(DigitHost.ShippedModel);
    private static readonly MnistSet Drawings = DrawingsSet.Create(MnistFolder.Test, count: 500);
    private static readonly MnistData Mnist = new(MnistFolder.Test.Take(1000), MnistFolder.Test.Take(1000));
    private static readonly MnistSet NoCorrections = new([], []);

    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("digit-publish-rule-");

    public void Dispose() => _folder.Delete(recursive: true);

    [Fact]
    public void Judge_NothingServed_ServesTheCandidate()
    {
        var verdict = Rule().Judge(Shipped, 0.99, null, Mnist, Drawings, NoCorrections, CancellationToken.None);

        Assert.True(verdict.Serve);
        Assert.Null(verdict.Served);
    }

    [Fact]
    public void Judge_CandidateAsGoodAsTheServedModel_ServesIt()
    {
        var served = (new ModelVersion("v1", 0.9952, DateTimeOffset.UnixEpoch), Shipped);

        var verdict = Rule().Judge(Shipped, 0.9952, served, Mnist, Drawings, NoCorrections, CancellationToken.None);

        Assert.True(verdict.Serve, verdict.KeptReason);
        Assert.Equal(verdict.Served!.Drawings, verdict.Candidate.Drawings);
    }

    [Fact]
    public void Judge_CandidateWorseOnEverySet_KeepsTheServedModelAndNamesEachSet()
    {
        var weak = TrainBriefly();
        var served = (new ModelVersion("v1", 0.9952, DateTimeOffset.UnixEpoch), Shipped);
        var heldOut = MnistFolder.Test.Take(60);

        var verdict = Rule().Judge(weak.Onnx, weak.Mnist, served, Mnist, Drawings, heldOut, CancellationToken.None);

        Assert.False(verdict.Serve);
        Assert.Contains("MNIST test images", verdict.KeptReason, StringComparison.Ordinal);
        Assert.Contains("the 500 synthetic canvas drawings", verdict.KeptReason, StringComparison.Ordinal);
        Assert.Contains("the 60 held-out corrections", verdict.KeptReason, StringComparison.Ordinal);
        Assert.Contains("served model v1", verdict.KeptReason, StringComparison.Ordinal);
    }

    [Fact]
    public void Judge_FewerThanFiftyHeldOut_LeavesThemOut()
    {
        var served = (new ModelVersion("v1", 0.9952, DateTimeOffset.UnixEpoch), Shipped);

        var verdict = Rule().Judge(Shipped, 0.9952, served, Mnist, Drawings, MnistFolder.Test.Take(49), CancellationToken.None);

        Assert.Null(verdict.Candidate.Corrections);
        Assert.Null(verdict.Served!.Corrections);
    }

    [Fact]
    public void Judge_DropOfOne_ServesEvenAWeakModel()
    {
        var weak = TrainBriefly();
        var served = (new ModelVersion("v1", 0.9952, DateTimeOffset.UnixEpoch), Shipped);

        var verdict = Rule(maxDrop: 1).Judge(weak.Onnx, weak.Mnist, served, Mnist, Drawings, NoCorrections, CancellationToken.None);

        Assert.True(verdict.Serve);
    }

    private PublishRule Rule(double? maxDrop = null) => new(
        new FileSystemModelStore(new FileSystemModelStoreOptions { Folder = _folder.FullName }, TimeProvider.System, NullLogger<FileSystemModelStore>.Instance),
        Options.Create(new RetrainOptions { MaxAccuracyDrop = maxDrop }));

    /// <summary>A model trained on 300 images for one epoch: it reads every set far worse than the shipped one.</summary>
    private static (byte[] Onnx, double Mnist) TrainBriefly()
    {
        var options = TrainingOptions.For(TrainingRecipe.Fast) with { Epochs = 1, BatchSize = 64, Threads = 1 };
        var checkpoint = new EpochTrainer(options).TrainEpoch(MnistFolder.Test.Take(300), null, null, CancellationToken.None).Checkpoint!;
        using var model = checkpoint.RestoreModel();
        var onnx = OnnxExporter.Export(model, new OnnxModelInfo(null, 1, DateTimeOffset.UnixEpoch));
        return (onnx, OnnxEvaluator.Accuracy(onnx, Mnist.Test));
    }
}
