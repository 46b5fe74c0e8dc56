using System.Numerics;

namespace Digit.Inference.Drawing;

/// <summary>
/// Resizes a grey image by area averaging: each output pixel is the mean of the source area it covers,
/// source pixels weighted by the fraction of them inside it (a box filter). Shrinking anti-aliases;
/// growing repeats pixels with a blend at the seams. Done separably: rows, then columns.
/// </summary>
internal static class AreaResampler
{
    // Above this many intermediate values the row pass goes to the heap instead of the stack.
    private const int MaxStackFloats = 1024;

    public static void Resample(
        ReadOnlySpan<byte> source, int sourceWidth, int sourceHeight,
        Span<float> destination, int destinationWidth, int destinationHeight)
    {
        if (source.Length != sourceWidth * sourceHeight)
        {
            throw new ArgumentException($"Expected {sourceWidth}x{sourceHeight} source values.", nameof(source));
        }
        if (destination.Length != destinationWidth * destinationHeight)
        {
            throw new ArgumentException($"Expected {destinationWidth}x{destinationHeight} destination values.", nameof(destination));
        }
        var rowsLength = sourceHeight * destinationWidth;
        var rows = rowsLength <= MaxStackFloats ? stackalloc float[rowsLength] : new float[rowsLength];

        var xRatio = (double)sourceWidth / destinationWidth;
        for (var y = 0; y < sourceHeight; y++)
        {
            var line = source.Slice(y * sourceWidth, sourceWidth);
            for (var x = 0; x < destinationWidth; x++)
            {
                rows[y * destinationWidth + x] = Average(line, 1, sourceWidth, x * xRatio, (x + 1) * xRatio);
            }
        }

        var yRatio = (double)sourceHeight / destinationHeight;
        for (var y = 0; y < destinationHeight; y++)
        {
            for (var x = 0; x < destinationWidth; x++)
            {
                destination[y * destinationWidth + x] =
                    Average<float>(rows[x..], destinationWidth, sourceHeight, y * yRatio, (y + 1) * yRatio);
            }
        }
    }

    // The mean of values[i * stride] over the interval [start, end) of a line of count values.
    private static float Average<T>(ReadOnlySpan<T> values, int stride, int count, double start, double end)
        where T : unmanaged, INumberBase<T>
    {
        var sum = 0.0;
        var last = Math.Min(count, (int)Math.Ceiling(end));
        for (var i = (int)start; i < last; i++)
        {
            var coverage = Math.Min(end, i + 1) - Math.Max(start, i);
            sum += double.CreateTruncating(values[i * stride]) * coverage;
        }
        return (float)(sum / (end - start));
    }
}
