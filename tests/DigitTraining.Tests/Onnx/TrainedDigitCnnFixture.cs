using Digit.Inference.Models;
using Digit.Testing;
using Digit.Training.Data;
using Digit.Training.Model;
using Digit.Training.Onnx;
using Digit.Training.Tests.TestSupport;
using Digit.Training.Training;
using Microsoft.ML.OnnxRuntime;
using TorchSharp;
using static TorchSharp.torch;

namespace Digit.Training.Tests.Onnx;

/// <summary>The classic network, trained briefly.</summary>
public sealed class TrainedClassicCnnFixture() : TrainedDigitCnnFixture(CnnArchitecture.Classic);

/// <summary>The fast recipe's batch-normalised network, trained briefly: its export folds the normalisation into the convolutions.</summary>
public sealed class TrainedFastCnnFixture() : TrainedDigitCnnFixture(new TrainingOptions().Architecture);

/// <summary>
/// A DigitCnn trained for one short pass (2,000 MNIST images, batch 64, Adam) so its outputs are confident
/// rather than uniform (and batch normalisation, where the network has it, has running statistics of real data),
/// its ONNX export, an ONNX Runtime session over it, and the first test images. Built once for the test class.
/// </summary>
public abstract class TrainedDigitCnnFixture : IDisposable
{
    public const int TrainImages = 2_000;
    public const int BatchSize = 64;
    public const int TestImages = 100;

    public static readonly OnnxModelInfo Info = new(0.9871, 1, new DateTimeOffset(2025, 3, 14, 15, 9, 26, 535, TimeSpan.Zero));

    protected TrainedDigitCnnFixture(CnnArchitecture architecture)
    {
        var folder = MnistFolder.Resolve();
        var train = MnistFiles.LoadTrain(folder).Take(TrainImages);
        Test = MnistFiles.LoadTest(folder).Take(TestImages);

        torch.manual_seed(20250314);
        Model = new DigitCnn(architecture);
        Train(Model, train);
        Model.eval();

        OnnxBytes = OnnxExporter.Export(Model, Info);
        Session = new InferenceSession(OnnxBytes);
    }

    public DigitCnn Model { get; }

    public MnistSet Test { get; }

    public byte[] OnnxBytes { get; }

    public InferenceSession Session { get; }

    /// <summary>Softmax of the TorchSharp model in eval mode for test images start .. start + count - 1, row-major [count, 10].</summary>
    public float[] TorchProbabilities(int start, int count)
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var input = torch.tensor(MnistTestData.Scaled(Test, start, count), MnistTestData.Shape(count));
        return nn.functional.softmax(Model.call(input), dim: 1).data<float>().ToArray();
    }

    /// <summary>The ONNX model's output for the same images: its shape and values.</summary>
    public (long[] Shape, float[] Values) OnnxProbabilities(int start, int count)
    {
        using var input = OrtValue.CreateTensorValueFromMemory(MnistTestData.Scaled(Test, start, count), MnistTestData.Shape(count));
        using var runOptions = new RunOptions();
        using var outputs = Session.Run(runOptions, [OnnxExporter.InputName], [input], [OnnxExporter.OutputName]);
        var output = outputs.Single();
        return (output.GetTensorTypeAndShape().Shape, output.GetTensorDataAsSpan<float>().ToArray());
    }

    public void Dispose()
    {
        Session.Dispose();
        Model.Dispose();
        GC.SuppressFinalize(this);
    }

    private static void Train(DigitCnn model, MnistSet train)
    {
        model.train();
        using var optimizer = optim.Adam(model.parameters(), lr: 0.002);
        for (var start = 0; start < train.Count; start += BatchSize)
        {
            using var scope = torch.NewDisposeScope();
            var count = Math.Min(BatchSize, train.Count - start);
            var images = torch.tensor(MnistTestData.Scaled(train, start, count), MnistTestData.Shape(count));
            var labels = torch.tensor(train.Labels.AsSpan(start, count).ToArray().Select(label => (long)label).ToArray());
            optimizer.zero_grad();
            var loss = nn.functional.cross_entropy(model.call(images), labels);
            loss.backward();
            optimizer.step();
        }
    }
}
