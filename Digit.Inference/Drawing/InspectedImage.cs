using SkiaSharp;

namespace Digit.Inference.Drawing;

/// <summary>Image bytes whose header passed every check (<see cref="DrawingDecoder.Inspect"/>), with the codec that read it.</summary>
public sealed class InspectedImage : IDisposable
{
    internal InspectedImage(SKCodec codec, ImageFormat format)
    {
        Codec = codec;
        Format = format;
    }

    internal SKCodec Codec { get; }

    /// <summary>The format the bytes are in.</summary>
    public ImageFormat Format { get; }

    /// <summary>Width times height.</summary>
    public long Pixels => (long)Codec.Info.Width * Codec.Info.Height;

    /// <summary>Frees the codec and its copy of the bytes.</summary>
    public void Dispose() => Codec.Dispose();
}
