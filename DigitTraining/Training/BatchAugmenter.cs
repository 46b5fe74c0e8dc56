using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn.functional;

namespace Digit.Training.Training;

/// <summary>
/// Distorts a batch [N, 1, 28, 28] with tensor operations only: a per-image pen width change (a blend towards one
/// or two 3x3 dilations, or an erosion) and a per-image affine map (rotation, shear, scale, shift) resampled bilinearly.
/// Every random number comes from libtorch's generator, so a seeded epoch distorts the same way again.
/// </summary>
internal static class BatchAugmenter
{
    private const int Side = 28;

    public static Tensor Apply(Tensor images, AugmentationOptions options)
    {
        if (options.Share < 1)
        {
            // The batch comes shuffled, so its first images are as good a random share as any.
            using var scope = NewDisposeScope();
            var distorted = (long)Math.Round(options.Share * images.shape[0]);
            var rest = images.narrow(0, distorted, images.shape[0] - distorted);
            var result = distorted == 0 ? images.clone() : cat([Distort(images.narrow(0, 0, distorted), options), rest], 0);
            return result.MoveToOuterDisposeScope();
        }
        return Distort(images, options);
    }

    private static Tensor Distort(Tensor images, AugmentationOptions options)
    {
        using var scope = NewDisposeScope();
        var count = images.shape[0];
        var change = Uniform(count, options.MinStrokeChange, options.MaxStrokeChange);
        var x = ChangeStrokes(images, change.view(count, 1, 1, 1));
        if (!options.Warps)
        {
            // Resampling through an identity map would cost most of the augmentation and change nothing.
            return x.MoveToOuterDisposeScope();
        }

        var angle = Uniform(count, -options.MaxRotationDegrees, options.MaxRotationDegrees) * (Math.PI / 180);
        var shear = Uniform(count, -options.MaxShear, options.MaxShear);
        // The grid maps output positions to input positions, so dividing by the scale enlarges the digit by it.
        var inverseScale = Uniform(count, options.MinScale, options.MaxScale).reciprocal();
        if (options.KeepInkSize)
        {
            // A change of c pixels all round widens a 20-pixel ink box (MNIST's) by 2c: scale it by 20 / (20 + 2c).
            inverseScale = inverseScale * (1 + change / 10);
        }
        // Normalised coordinates span 2 over the 28 pixels.
        var shiftX = Uniform(count, -options.MaxShiftPixels, options.MaxShiftPixels) * (2.0 / Side);
        var shiftY = Uniform(count, -options.MaxShiftPixels, options.MaxShiftPixels) * (2.0 / Side);
        var cos = angle.cos();
        var sin = angle.sin();
        // Rotation · [[1, shear], [0, 1]] / scale, applied to every pixel centre. Written out elementwise, this is
        // what affine_grid computes, several times faster on a CPU (its batched product has an inner size of 3).
        var centres = linspace(-1 + 1.0 / Side, 1 - 1.0 / Side, Side);
        var column = centres.view(1, 1, Side);
        var row = centres.view(1, Side, 1);
        var gridX = (cos * inverseScale).view(count, 1, 1) * column + ((cos * shear - sin) * inverseScale).view(count, 1, 1) * row + shiftX.view(count, 1, 1);
        var gridY = (sin * inverseScale).view(count, 1, 1) * column + ((sin * shear + cos) * inverseScale).view(count, 1, 1) * row + shiftY.view(count, 1, 1);
        var grid = stack([gridX, gridY], dim: -1);
        var warped = grid_sample(x, grid, GridSampleMode.Bilinear, GridSamplePaddingMode.Zeros, align_corners: false);
        return warped.MoveToOuterDisposeScope();
    }

    // change in 0..1 blends towards the image dilated once, 1..2 on towards it dilated twice, change < 0 towards the eroded one.
    private static Tensor ChangeStrokes(Tensor images, Tensor change)
    {
        var dilated = Neighbourhood(images, maximum);
        var dilatedTwice = Neighbourhood(dilated, maximum);
        var eroded = Neighbourhood(images, minimum);
        return images
            + change.clamp(0, 1) * (dilated - images)
            + (change - 1).clamp(0, 1) * (dilatedTwice - dilated)
            + (-change).clamp(0, 1) * (eroded - images);
    }

    // The 3x3 maximum (or minimum) around each pixel, outside the image counting as background, as a row pass and
    // a column pass over shifted views: a tenth of the time of a stride-1 max_pool2d on a CPU.
    private static Tensor Neighbourhood(Tensor images, Func<Tensor, Tensor, Tensor> pick)
    {
        var padded = pad(images, [1, 1, 1, 1]);
        var rows = pick(pick(padded.narrow(3, 0, Side), padded.narrow(3, 1, Side)), padded.narrow(3, 2, Side));
        return pick(pick(rows.narrow(2, 0, Side), rows.narrow(2, 1, Side)), rows.narrow(2, 2, Side));
    }

    private static Tensor Uniform(long count, double low, double high) => rand(count) * (high - low) + low;
}
