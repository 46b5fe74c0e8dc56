using Digit.Training.Data;
using Digit.Training.Model;
using TorchSharp;

namespace Digit.Training.Training;

/// <summary>Measures a model's accuracy (fraction 0..1) on a labelled set, in eval mode without gradients.</summary>
public static class ModelEvaluator
{
    // 250 images keep conv1's output (18 MB) under the allocator's mmap threshold (see NativeAllocator).
    /// <summary>
    /// The fraction 0..1 of <paramref name="set"/> that <paramref name="model"/> classifies correctly, run
    /// <paramref name="batchSize"/> images at a time; 0 for an empty set. The model is left in eval mode.
    /// </summary>
    public static double Accuracy(DigitCnn model, MnistSet set, int batchSize = 250, CancellationToken cancellationToken = default)
    {
        try
        {
            return Score(model, set, batchSize, cancellationToken);
        }
        finally
        {
            // The batches are disposed by now; what they used goes back to the system (see NativeAllocator).
            NativeAllocator.ReleaseFreeMemory();
        }
    }

    private static double Score(DigitCnn model, MnistSet set, int batchSize, CancellationToken cancellationToken)
    {
        model.eval();
        using var noGrad = torch.no_grad();
        long correct = 0;
        for (var start = 0; start < set.Count; start += batchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var count = Math.Min(batchSize, set.Count - start);
            using var scope = torch.NewDisposeScope();
            var input = ToInput(set, start, count);
            var target = torch.tensor(set.Labels.AsSpan(start, count).ToArray().Select(label => (long)label).ToArray());
            correct += model.call(input).argmax(1).eq(target).sum().item<long>();
        }
        return set.Count > 0 ? (double)correct / set.Count : 0;
    }

    /// <summary>Images start..start+count as a [count,1,28,28] tensor scaled to 0..1.</summary>
    public static torch.Tensor ToInput(MnistSet set, int start, int count)
    {
        return torch.tensor(set.Scaled(start, count), [count, 1, MnistSet.ImageSide, MnistSet.ImageSide]);
    }
}
