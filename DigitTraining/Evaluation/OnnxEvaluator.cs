using Digit.Training.Data;
using Microsoft.ML.OnnxRuntime;

namespace Digit.Training.Evaluation;

/// <summary>Scores an ONNX model on a labelled set through ONNX Runtime, as the service will run it.</summary>
public static class OnnxEvaluator
{
    /// <summary>
    /// The fraction 0..1 of <paramref name="set"/> that <paramref name="onnxModel"/> classifies correctly, run
    /// <paramref name="batchSize"/> images at a time; 0 for an empty set.
    /// </summary>
    public static double Accuracy(byte[] onnxModel, MnistSet set, int batchSize = 500, CancellationToken cancellationToken = default)
    {
        using var session = new InferenceSession(onnxModel);
        using var runOptions = new RunOptions();
        var inputName = session.InputNames[0];
        long correct = 0;
        var input = new float[batchSize * MnistSet.ImageSize];
        for (var start = 0; start < set.Count; start += batchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var count = Math.Min(batchSize, set.Count - start);
            var pixels = set.Pixels.AsSpan(start * MnistSet.ImageSize, count * MnistSet.ImageSize);
            MnistSet.ScaleInto(pixels, input);
            using var tensor = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, input.AsMemory(0, pixels.Length), [count, 1, MnistSet.ImageSide, MnistSet.ImageSide]);
            using var outputs = session.Run(runOptions, [inputName], [tensor], session.OutputNames);
            var probabilities = outputs[0].GetTensorDataAsSpan<float>();
            for (var i = 0; i < count; i++)
            {
                var row = probabilities.Slice(i * 10, 10);
                var best = 0;
                for (var digit = 1; digit < 10; digit++)
                {
                    if (row[digit] > row[best])
                    {
                        best = digit;
                    }
                }
                if (best == set.Labels[start + i])
                {
                    correct++;
                }
            }
        }
        return set.Count > 0 ? (double)correct / set.Count : 0;
    }
}
