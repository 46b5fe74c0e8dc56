namespace Digit.Inference.Drawing;

/// <summary>
/// A decoded picture as grey + alpha, two bytes a pixel, rows top to bottom. Grey is integer BT.601 luma
/// (about 0.30 R + 0.59 G + 0.11 B); alpha is 255 for formats without transparency.
/// </summary>
public sealed class DecodedImage
{
    internal DecodedImage(int width, int height, byte[] greyAlpha, ImageFormat format)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentNullException.ThrowIfNull(greyAlpha);
        if (greyAlpha.Length != (long)width * height * 2)
        {
            throw new ArgumentException($"A {width}x{height} grey-alpha image needs {(long)width * height * 2} bytes, got {greyAlpha.Length}.", nameof(greyAlpha));
        }
        Width = width;
        Height = height;
        GreyAlpha = greyAlpha;
        Format = format;
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>Grey, alpha, grey, alpha, ... for <see cref="Width"/> x <see cref="Height"/> pixels.</summary>
    public byte[] GreyAlpha { get; }

    /// <summary>The format the bytes were in.</summary>
    public ImageFormat Format { get; }
}
