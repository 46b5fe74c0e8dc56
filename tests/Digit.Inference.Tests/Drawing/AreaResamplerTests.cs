using Digit.Inference.Drawing;

namespace Digit.Inference.Tests.Drawing;

public sealed class AreaResamplerTests
{
    [Fact]
    public void Resample_HalfSize_AveragesEachBlock()
    {
        byte[] source = [0, 100, 200, 50, 0, 100, 200, 50];
        var result = new float[2];

        AreaResampler.Resample(source, 4, 2, result, 2, 1);

        Assert.Equal([50f, 125f], result);
    }

    [Fact]
    public void Resample_FractionalCoverage_WeighsPixelsByOverlap()
    {
        byte[] source = [30, 60, 90];
        var result = new float[2];

        AreaResampler.Resample(source, 3, 1, result, 2, 1);

        // [0, 1.5) holds all of 30 and half of 60; [1.5, 3) half of 60 and all of 90.
        Assert.Equal(40f, result[0], 3);
        Assert.Equal(80f, result[1], 3);
    }

    [Fact]
    public void Resample_SameSize_CopiesValues()
    {
        byte[] source = [1, 2, 3, 4, 5, 6];
        var result = new float[6];

        AreaResampler.Resample(source, 3, 2, result, 3, 2);

        Assert.Equal([1f, 2f, 3f, 4f, 5f, 6f], result);
    }

    [Fact]
    public void Resample_Growing_RepeatsPixelsAndBlendsSeams()
    {
        byte[] source = [0, 90];
        var result = new float[3];

        AreaResampler.Resample(source, 2, 1, result, 3, 1);

        Assert.Equal(0f, result[0], 3);
        Assert.Equal(45f, result[1], 3);
        Assert.Equal(90f, result[2], 3);
    }

    [Fact]
    public void Resample_AnySize_KeepsMeanLevel()
    {
        var random = new Random(7);
        var source = new byte[37 * 23];
        random.NextBytes(source);
        var result = new float[20 * 12];

        AreaResampler.Resample(source, 37, 23, result, 20, 12);

        Assert.Equal(source.Average(b => (double)b), result.Average(v => (double)v), 2);
    }
}
