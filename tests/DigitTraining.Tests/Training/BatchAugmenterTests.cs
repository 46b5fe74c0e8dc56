using Digit.Training.Data;
using Digit.Training.Tests.TestSupport;
using Digit.Training.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Digit.Training.Tests.Training;

// Seeds libtorch's process-wide generator, so it shares the MNIST collection with the other tests that do.
[Collection(MnistCollection.Name)]
public sealed class BatchAugmenterTests(MnistFixture mnist)
{
    private static readonly AugmentationOptions None = new(0, 0, 1, 1, 0, 0, 0);

    private Tensor Batch(int count) =>
        torch.tensor(mnist.Data.Test.Scaled(0, count), [count, 1, MnistSet.ImageSide, MnistSet.ImageSide]);

    [Fact]
    public void Apply_SameSeed_DistortsTheSameWay()
    {
        using var scope = NewDisposeScope();
        var images = Batch(32);

        torch.manual_seed(5);
        var first = BatchAugmenter.Apply(images, new AugmentationOptions());
        torch.manual_seed(5);
        var second = BatchAugmenter.Apply(images, new AugmentationOptions());
        var third = BatchAugmenter.Apply(images, new AugmentationOptions());

        Assert.Equal([32, 1, 28, 28], first.shape);
        Assert.Equal(0f, first.sub(second).abs().max().item<float>());
        Assert.NotEqual(0f, first.sub(third).abs().max().item<float>());
        Assert.True(first.sub(images).abs().max().item<float>() > 0.5f, "the default options distort visibly");
    }

    [Fact]
    public void Apply_NoDistortion_GivesTheImagesBack()
    {
        using var scope = NewDisposeScope();
        var images = Batch(16);

        var result = BatchAugmenter.Apply(images, None);

        Assert.True(result.sub(images).abs().max().item<float>() < 1e-5f);
    }

    [Fact]
    public void Apply_FullStrokeChange_DilatesOrErodesByOnePixel()
    {
        using var scope = NewDisposeScope();
        var images = Batch(16);

        var thicker = BatchAugmenter.Apply(images, None with { MinStrokeChange = 1, MaxStrokeChange = 1 });
        var thinner = BatchAugmenter.Apply(images, None with { MinStrokeChange = -1, MaxStrokeChange = -1 });

        var dilated = nn.functional.max_pool2d(images, 3, 1, 1);
        Assert.True(thicker.sub(dilated).abs().max().item<float>() < 1e-5f);
        Assert.True(thinner.sum().item<float>() < images.sum().item<float>());
        Assert.True(thicker.sum().item<float>() > images.sum().item<float>());
    }

    [Fact]
    public void Apply_KeepInkSize_ThickensStrokesWithinTheSameBox()
    {
        using var scope = NewDisposeScope();
        var images = Batch(16);
        var thicker = None with { MinStrokeChange = 2, MaxStrokeChange = 2 };

        var grown = BatchAugmenter.Apply(images, thicker);
        var kept = BatchAugmenter.Apply(images, thicker with { KeepInkSize = true });

        // Two pixels of dilation widen each ink box by about four; kept, it stays about as wide as it was.
        var (original, wide, same) = (InkWidth(images), InkWidth(grown), InkWidth(kept));
        Assert.True(wide >= original + 3, $"dilated: {wide:F1} px wide against {original:F1}");
        Assert.InRange(same, original - 1.5, original + 1.5);
        Assert.True(kept.sum().item<float>() > images.sum().item<float>(), "the strokes are thicker");
    }

    [Fact]
    public void Apply_HalfTheBatch_LeavesTheOtherHalfAsItIs()
    {
        using var scope = NewDisposeScope();
        var images = Batch(16);

        var result = BatchAugmenter.Apply(images, new AugmentationOptions(Share: 0.5));

        Assert.Equal([16, 1, 28, 28], result.shape);
        Assert.Equal(0f, result.narrow(0, 8, 8).sub(images.narrow(0, 8, 8)).abs().max().item<float>());
        Assert.True(result.narrow(0, 0, 8).sub(images.narrow(0, 0, 8)).abs().max().item<float>() > 0.5f);
    }

    // The mean width, in pixels, of the columns holding ink (above a quarter of full intensity) in each image.
    private static double InkWidth(Tensor images)
    {
        var columns = images.gt(0.25f).any(2).squeeze(1);
        return columns.to_type(ScalarType.Float32).sum(1).mean().item<float>();
    }

    [Fact]
    public void Apply_InsideCallerScope_LeavesOnlyItsResult()
    {
        using var images = Batch(8);
        using var scope = NewDisposeScope();

        BatchAugmenter.Apply(images, new AugmentationOptions());

        Assert.Equal(1, scope.DisposablesCount);
    }
}
