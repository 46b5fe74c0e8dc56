namespace Digit.Training.Data;

/// <summary>
/// A set of 28x28 grey images with their labels. <see cref="Pixels"/> holds <see cref="Count"/> images of
/// 784 bytes each, row by row, 0 = background, 255 = ink, exactly as in the IDX files.
/// </summary>
public sealed record MnistSet(byte[] Pixels, byte[] Labels)
{
    /// <summary>Width and height of every image, in pixels.</summary>
    public const int ImageSide = 28;
    internal const int ImageSize = ImageSide * ImageSide;

    /// <summary>The number of images, one label each.</summary>
    public int Count => Labels.Length;

    /// <summary>The 784 bytes of image <paramref name="index"/> (0-based), row by row, without copying.</summary>
    public ReadOnlySpan<byte> Image(int index) => Pixels.AsSpan(index * ImageSize, ImageSize);

    /// <summary>Images start..start+count-1 as floats 0..1 (ink bright), laid out as [count, 1, 28, 28].</summary>
    public float[] Scaled(int start, int count)
    {
        var values = new float[count * ImageSize];
        ScaleInto(Pixels.AsSpan(start * ImageSize, count * ImageSize), values);
        return values;
    }

    /// <summary>Scales bytes 0..255 to floats 0..1, the network's input range.</summary>
    public static void ScaleInto(ReadOnlySpan<byte> pixels, Span<float> values)
    {
        for (var i = 0; i < pixels.Length; i++)
        {
            values[i] = pixels[i] / 255f;
        }
    }

    /// <summary>The first <paramref name="count"/> images (all of them when the set is smaller).</summary>
    public MnistSet Take(int count)
    {
        var n = Math.Min(count, Count);
        return new MnistSet(Pixels[..(n * ImageSize)], Labels[..n]);
    }
}

/// <summary>The MNIST training set (60,000 images) and test set (10,000 images).</summary>
public sealed record MnistData(MnistSet Train, MnistSet Test);
