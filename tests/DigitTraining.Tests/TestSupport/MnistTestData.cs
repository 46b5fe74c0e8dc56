using Digit.Training.Data;

namespace Digit.Training.Tests.TestSupport;

/// <summary>Turns MNIST images into the model's input layout.</summary>
internal static class MnistTestData
{
    /// <summary>Images <paramref name="start"/> .. start + count - 1 as floats 0..1, laid out [count, 1, 28, 28].</summary>
    public static float[] Scaled(MnistSet set, int start, int count) => set.Scaled(start, count);

    public static long[] Shape(int count) => [count, 1, MnistSet.ImageSide, MnistSet.ImageSide];
}
