using System.Buffers.Binary;

namespace Digit.Inference.Drawing.Formats;

/// <summary>
/// PNG layout: an 8-byte signature, then chunks of [length:4 BE][type:4][data:length][crc:4]. The first
/// chunk is IHDR (13 bytes: width:4 BE, height:4 BE, ...), the last is IEND.
/// </summary>
internal static class PngStructure
{
    private const string Name = "PNG";
    private const int SignatureLength = 8;
    private const int ChunkOverhead = 12;
    private const int IhdrLength = 13;

    private static ReadOnlySpan<byte> Ihdr => "IHDR"u8;
    private static ReadOnlySpan<byte> Iend => "IEND"u8;

    public static ImageHeader ReadHeader(ReadOnlySpan<byte> data)
    {
        // Signature, IHDR length and type, width and height.
        if (data.Length < SignatureLength + 16)
        {
            throw ImageHeaderReader.Truncated(Name, $"{data.Length} bytes do not hold the IHDR header");
        }
        var length = BinaryPrimitives.ReadUInt32BigEndian(data[8..]);
        if (!data.Slice(12, 4).SequenceEqual(Ihdr))
        {
            throw ImageHeaderReader.Unreadable(Name, "the first chunk is not IHDR");
        }
        if (length != IhdrLength)
        {
            throw ImageHeaderReader.Unreadable(Name, $"the IHDR chunk is {length} bytes long, not {IhdrLength}");
        }
        return new ImageHeader(
            ImageFormat.Png,
            BinaryPrimitives.ReadUInt32BigEndian(data[16..]),
            BinaryPrimitives.ReadUInt32BigEndian(data[20..]));
    }

    /// <summary>
    /// Walks the chunks up to IEND: each must fit in the file. This also keeps a lying chunk length (the
    /// decoder allocates for the IDAT data a chunk claims) from ever reaching the decoder.
    /// </summary>
    public static void EnsureComplete(ReadOnlySpan<byte> data)
    {
        long position = SignatureLength;
        while (true)
        {
            if (position + 8 > data.Length)
            {
                throw ImageHeaderReader.Truncated(Name, $"no IEND chunk; the data stops at byte {data.Length}");
            }
            var start = (int)position;
            var length = BinaryPrimitives.ReadUInt32BigEndian(data[start..]);
            if (length > int.MaxValue)
            {
                throw ImageHeaderReader.Unreadable(Name, $"the chunk at byte {start} claims {length} bytes");
            }
            var end = position + ChunkOverhead + length;
            if (end > data.Length)
            {
                var type = System.Text.Encoding.Latin1.GetString(data.Slice(start + 4, 4));
                throw ImageHeaderReader.Truncated(
                    Name,
                    $"the {type} chunk at byte {start} needs {ChunkOverhead + length} bytes, {data.Length - start} remain");
            }
            if (data.Slice(start + 4, 4).SequenceEqual(Iend))
            {
                return;
            }
            position = end;
        }
    }
}
