using System.Buffers.Binary;

namespace Digit.Inference.Drawing.Formats;

/// <summary>
/// GIF layout: "GIF87a"/"GIF89a", then the logical screen descriptor (width:2 LE, height:2 LE, flags,
/// background, aspect), blocks, and the trailer byte 0x3B.
/// </summary>
internal static class GifStructure
{
    private const string Name = "GIF";
    private const int HeaderLength = 10;
    private const byte Trailer = 0x3B;

    public static ImageHeader ReadHeader(ReadOnlySpan<byte> data)
    {
        if (data.Length < HeaderLength)
        {
            throw ImageHeaderReader.Truncated(Name, $"{data.Length} bytes do not hold the screen descriptor");
        }
        return new ImageHeader(
            ImageFormat.Gif,
            BinaryPrimitives.ReadUInt16LittleEndian(data[6..]),
            BinaryPrimitives.ReadUInt16LittleEndian(data[8..]));
    }

    /// <summary>
    /// A GIF must end with its trailer. The decoder reads missing bytes as zeros and would return a partial
    /// picture, so a cut-off file is refused here. (Junk after the trailer is refused too: strict, but no
    /// encoder that produces drawings writes any.)
    /// </summary>
    public static void EnsureComplete(ReadOnlySpan<byte> data)
    {
        if (data[^1] != Trailer)
        {
            throw ImageHeaderReader.Truncated(Name, "the trailer byte 0x3B is missing at the end");
        }
    }
}
