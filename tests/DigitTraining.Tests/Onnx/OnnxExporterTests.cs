using Digit.Inference.Models;
using Digit.Training.Model;
using Digit.Training.Onnx;
using Digit.Training.Onnx.Proto;
using Digit.Training.Tests.TestSupport;
using Microsoft.ML.OnnxRuntime;
using TorchSharp;
using TorchSharp.Modules;
using Xunit.Abstractions;

namespace Digit.Training.Tests.Onnx;

// Its fixture seeds and trains with libtorch's process-wide generator, so it must not run alongside the
// exact-resume test in EpochTrainerTests; sharing their collection runs the two one after the other.
/// <summary>ONNX Runtime gives what TorchSharp gives, for each network the trainer builds.</summary>
public abstract class OnnxParityTests(TrainedDigitCnnFixture fixture, ITestOutputHelper output)
{
    protected TrainedDigitCnnFixture Fixture => fixture;

    private const double Tolerance = 1e-4;

    [Fact]
    public void Export_TrainedModel_OnnxRuntimeMatchesTorchSharpWithinTolerance()
    {
        var count = TrainedDigitCnnFixture.TestImages;
        var expected = fixture.TorchProbabilities(0, count);
        var (shape, actual) = fixture.OnnxProbabilities(0, count);

        var maxDifference = expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max();
        var meanTopProbability = expected.Chunk(10).Average(row => row.Max());
        var correct = expected.Chunk(10).Select(ArgMax).Where((digit, i) => digit == fixture.Test.Labels[i]).Count();
        output.WriteLine($"max |onnx - torch| over {count} images: {maxDifference:E3}");
        output.WriteLine($"mean top probability {meanTopProbability:F3}, {correct}/{count} correct");

        Assert.Equal([count, 10], shape);
        // The comparison means little if both outputs sit near 0.1 everywhere.
        Assert.True(meanTopProbability > 0.6, $"The briefly trained model is not confident (mean top probability {meanTopProbability:F3}).");
        Assert.True(maxDifference <= Tolerance, $"ONNX Runtime differs from TorchSharp by {maxDifference:E3}, more than {Tolerance:E0}.");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(64)]
    public void Export_AnyBatchSize_GivesNBy10MatchingTorchSharp(int count)
    {
        var expected = fixture.TorchProbabilities(3, count);
        var (shape, actual) = fixture.OnnxProbabilities(3, count);

        Assert.Equal([count, 10], shape);
        Assert.Equal(expected.Length, actual.Length);
        var maxDifference = expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max();
        output.WriteLine($"batch {count}: max |onnx - torch| {maxDifference:E3}");
        Assert.True(maxDifference <= Tolerance, $"Batch {count} differs by {maxDifference:E3}.");
    }

    private static int ArgMax(float[] row) => Array.IndexOf(row, row.Max());
}

// Their fixtures seed and train with libtorch's process-wide generator, so they must not run alongside the
// exact-resume test in EpochTrainerTests; sharing their collection runs them one after the other.
[Collection(MnistCollection.Name)]
public sealed class ClassicCnnParityTests(TrainedClassicCnnFixture fixture, ITestOutputHelper output)
    : OnnxParityTests(fixture, output), IClassFixture<TrainedClassicCnnFixture>;

[Collection(MnistCollection.Name)]
public sealed class FastCnnParityTests(TrainedFastCnnFixture fixture, ITestOutputHelper output)
    : OnnxParityTests(fixture, output), IClassFixture<TrainedFastCnnFixture>
{
    [Fact]
    public void Export_BatchNormalisedNetwork_FoldsEveryNormalisationIntoItsConvolution()
    {
        var graph = ModelProto.Parser.ParseFrom(Fixture.OnnxBytes).Graph;
        var convolutions = Fixture.Model.Layers.Count(layer => layer.Layer is Conv2d);

        Assert.Contains(Fixture.Model.Layers, layer => layer.Layer is BatchNorm2d);
        Assert.DoesNotContain(graph.Node, node => node.OpType == "BatchNormalization");
        Assert.Equal(convolutions, graph.Node.Count(node => node.OpType == "Conv"));
        // A folded convolution gains the bias the normalisation supplies.
        Assert.All(graph.Node.Where(node => node.OpType == "Conv"), node => Assert.Equal(3, node.Input.Count));
        Assert.Equal("Softmax", graph.Node[^1].OpType);
    }
}

/// <summary>The shape and contents of the exported graph, on the classic network.</summary>
[Collection(MnistCollection.Name)]
public sealed class OnnxExporterTests(TrainedClassicCnnFixture fixture) : IClassFixture<TrainedClassicCnnFixture>
{
    [Fact]
    public void Export_ModelInfo_RoundTripsThroughOnnxRuntimeMetadata()
    {
        var metadata = fixture.Session.ModelMetadata;

        Assert.Equal(TrainedDigitCnnFixture.Info, OnnxModelInfo.FromMetadata(metadata.CustomMetadataMap));
        Assert.Equal("0.9871", metadata.CustomMetadataMap[OnnxModelInfo.TestAccuracyKey]);
        Assert.Equal("2025-03-14T15:09:26.5350000Z", metadata.CustomMetadataMap[OnnxModelInfo.TrainedAtKey]);
        Assert.Equal(OnnxExporter.ProducerName, metadata.ProducerName);
    }

    [Fact]
    public void Export_UnknownAccuracy_RoundTripsAsNull()
    {
        var info = new OnnxModelInfo(null, 3, new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.FromHours(2)));

        using var session = new InferenceSession(OnnxExporter.Export(fixture.Model, info));
        var roundTripped = OnnxModelInfo.FromMetadata(session.ModelMetadata.CustomMetadataMap);

        Assert.False(session.ModelMetadata.CustomMetadataMap.ContainsKey(OnnxModelInfo.TestAccuracyKey));
        Assert.Null(roundTripped.TestAccuracy);
        Assert.Equal(3, roundTripped.Epochs);
        Assert.Equal(info.TrainedAt, roundTripped.TrainedAt);
        Assert.Equal(TimeSpan.Zero, roundTripped.TrainedAt.Offset);
    }

    [Fact]
    public void Export_Graph_HasNamedInputAndOutputWithSymbolicBatch()
    {
        var input = Assert.Single(fixture.Session.InputMetadata);
        var result = Assert.Single(fixture.Session.OutputMetadata);

        Assert.Equal("input", input.Key);
        Assert.Equal(typeof(float), input.Value.ElementType);
        Assert.Equal([-1, 1, 28, 28], input.Value.Dimensions);
        Assert.Equal("batch", input.Value.SymbolicDimensions[0]);
        Assert.Equal("probabilities", result.Key);
        Assert.Equal(typeof(float), result.Value.ElementType);
        Assert.Equal([-1, 10], result.Value.Dimensions);
        Assert.Equal("batch", result.Value.SymbolicDimensions[0]);
    }

    [Fact]
    public void Export_Model_IsIr8Opset13InferenceGraphWithoutDropout()
    {
        var model = ModelProto.Parser.ParseFrom(fixture.OnnxBytes);

        Assert.Equal(8, model.IrVersion);
        var opset = Assert.Single(model.OpsetImport);
        Assert.Equal("", opset.Domain);
        Assert.Equal(13, opset.Version);
        Assert.Equal("Digit", model.ProducerName);
        Assert.Equal(
            ["Conv", "Relu", "MaxPool", "Conv", "Relu", "MaxPool", "Flatten", "Gemm", "Relu", "Gemm", "Softmax"],
            model.Graph.Node.Select(node => node.OpType));
        Assert.All(model.Graph.Node.SelectMany(node => node.Attribute), attribute =>
            Assert.True(attribute.HasType, $"Attribute {attribute.Name} has no type."));
    }

    [Fact]
    public void Export_Model_WritesLayerSettingsAsOnnxAttributes()
    {
        var nodes = ModelProto.Parser.ParseFrom(fixture.OnnxBytes).Graph.Node.ToDictionary(node => node.Name);

        foreach (var conv in new[] { nodes["conv1"], nodes["conv2"] })
        {
            Assert.Equal([5, 5], Attribute(conv, "kernel_shape").Ints);
            Assert.Equal([1, 1], Attribute(conv, "strides").Ints);
            Assert.Equal([0, 0, 0, 0], Attribute(conv, "pads").Ints);
        }
        foreach (var pool in new[] { nodes["pool1"], nodes["pool2"] })
        {
            Assert.Equal([2, 2], Attribute(pool, "kernel_shape").Ints);
            Assert.Equal([2, 2], Attribute(pool, "strides").Ints);
            Assert.Equal([0, 0, 0, 0], Attribute(pool, "pads").Ints);
        }
        Assert.Equal(1, Attribute(nodes["flatten"], "axis").I);
        Assert.Equal(1, Attribute(nodes["dense1"], "transB").I);
        Assert.Equal(1, Attribute(nodes["dense2"], "transB").I);
        Assert.Equal(1, Attribute(nodes["probabilities"], "axis").I);
    }

    [Fact]
    public void Export_Model_StoresEveryParameterAsRawLittleEndianFloats()
    {
        var initializers = ModelProto.Parser.ParseFrom(fixture.OnnxBytes).Graph.Initializer.ToDictionary(tensor => tensor.Name);

        Assert.Equal(
            ["conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias", "dense1.weight", "dense1.bias", "dense2.weight", "dense2.bias"],
            initializers.Keys);
        Assert.Equal([32, 1, 5, 5], initializers["conv1.weight"].Dims);
        Assert.Equal([128, 1024], initializers["dense1.weight"].Dims);
        Assert.All(initializers.Values, tensor =>
        {
            Assert.Equal((int)TensorProto.Types.DataType.Float, tensor.DataType);
            Assert.Empty(tensor.FloatData);
            Assert.Equal(tensor.Dims.Aggregate(1L, (size, dim) => size * dim) * sizeof(float), tensor.RawData.Length);
        });
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var firstWeight = ((Conv2d)fixture.Model.Layers[0].Layer).weight!.detach().flatten()[0].item<float>();
        Assert.Equal(firstWeight, BitConverter.ToSingle(initializers["conv1.weight"].RawData.Span[..4]));
    }

    [Fact]
    public void Export_ToStream_WritesTheSameBytes()
    {
        using var stream = new MemoryStream();

        OnnxExporter.Export(fixture.Model, TrainedDigitCnnFixture.Info, stream);

        Assert.Equal(fixture.OnnxBytes, stream.ToArray());
    }

    [Fact]
    public void Export_InsideCallerScope_LeavesNoTensorsBehind()
    {
        using var scope = torch.NewDisposeScope();

        OnnxExporter.Export(fixture.Model, TrainedDigitCnnFixture.Info);

        Assert.Equal(0, scope.DisposablesCount);
    }

    [Fact]
    public void Export_ModelInTrainingMode_ExportsInferenceGraphAndLeavesModeAlone()
    {
        using var model = new DigitCnn(CnnArchitecture.Classic);
        model.train();

        var bytes = OnnxExporter.Export(model, TrainedDigitCnnFixture.Info);

        Assert.True(model.training);
        Assert.DoesNotContain(ModelProto.Parser.ParseFrom(bytes).Graph.Node, node => node.OpType == "Dropout");
    }

    private static AttributeProto Attribute(NodeProto node, string name) =>
        Assert.Single(node.Attribute, attribute => attribute.Name == name);
}
