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
    public void Apply_InsideCallerScope_LeavesOnlyItsResult()
    {
        using var images = Batch(8);
        using var scope = NewDisposeScope();

        BatchAugmenter.Apply(images, new AugmentationOptions());

        Assert.Equal(1, scope.DisposablesCount);
    }
}
