using Digit.Inference.Models;
using Digit.Testing.Hosts;
using Digit.Training.Evaluation;
using Digit.Training.Onnx;
using Digit.Training.Tests.TestSupport;
using Microsoft.ML.OnnxRuntime;

namespace Digit.Training.Tests.Evaluation;

/// <summary>The model shipped in models/digits.onnx, as ONNX Runtime serves it.</summary>
[Collection(MnistCollection.Name)]
public sealed class ShippedModelTests(MnistFixture mnist)
{
    private static string ShippedModel => DigitHost.ShippedModel;

    [Fact]
    public void ShippedModel_OnTheMnistTestSet_ScoresAtLeastNinetyNineAndAHalfPercent()
    {
        var accuracy = OnnxEvaluator.Accuracy(File.ReadAllBytes(ShippedModel), mnist.Data.Test);

        Assert.True(accuracy >= 0.995, $"the shipped model scores {accuracy:P2} on the 10,000 test images");
    }

    [Fact]
    public void ShippedModel_Metadata_RecordsItsTestAccuracyAndEpochs()
    {
        using var session = new InferenceSession(ShippedModel);

        var info = OnnxModelInfo.FromMetadata(session.ModelMetadata.CustomMetadataMap);

        Assert.InRange(info.TestAccuracy ?? 0, 0.995, 1.0);
        Assert.True(info.Epochs >= 10);
    }

    [Fact]
    public void ShippedModel_Metadata_RecordsItsAccuracyOnTheDrawingsSetAsMeasuredNow()
    {
        var bytes = File.ReadAllBytes(ShippedModel);
        using var session = new InferenceSession(bytes);

        var info = OnnxModelInfo.FromMetadata(session.ModelMetadata.CustomMetadataMap);

        Assert.Equal(OnnxEvaluator.Accuracy(bytes, DrawingsSet.Create(mnist.Data.Test)), info.DrawingsAccuracy);
    }

    [Fact]
    public void WithMetadata_SetsOneEntryAndKeepsTheModel()
    {
        var bytes = File.ReadAllBytes(ShippedModel);

        var changed = OnnxExporter.WithMetadata(OnnxExporter.WithMetadata(bytes, "note", "first"), "note", "second");

        using var session = new InferenceSession(changed);
        Assert.Equal("second", session.ModelMetadata.CustomMetadataMap["note"]);
        Assert.Equal(OnnxEvaluator.Accuracy(bytes, mnist.Data.Test.Take(500)), OnnxEvaluator.Accuracy(changed, mnist.Data.Test.Take(500)));
    }
}
