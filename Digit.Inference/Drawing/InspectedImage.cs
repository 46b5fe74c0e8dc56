using Digit.Inference.Drawing.Formats;

namespace Digit.Inference.Drawing;

/// <summary>Image bytes that passed every check short of decoding (<see cref="DrawingDecoder.Inspect"/>), with their header.</summary>
public sealed class InspectedImage
{
    internal InspectedImage(byte[] bytes, ImageHeader header)
    {
        Bytes = bytes;
        Header = header;
    }

    internal byte[] Bytes { get; }

    internal ImageHeader Header { get; }

    /// <summary>Width times height.</summary>
    public long Pixels => Header.Width * Header.Height;
}
