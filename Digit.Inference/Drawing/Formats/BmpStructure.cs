using System.Buffers.Binary;

namespace Digit.Inference.Drawing.Formats;

/// <summary>
/// BMP layout: a 14-byte file header ("BM", file size:4, reserved:4, pixel offset:4 LE), then an info
/// header whose first 4 bytes give its size. The 12-byte OS/2 header has width and height as 16-bit;
/// the Windows headers (40, 56, 108, 124 bytes) as signed 32-bit (a negative height means top-down),
/// followed by planes:2, bits per pixel:2 and compression:4.
/// </summary>
internal static class BmpStructure
{
    private const string Name = "BMP";
    private const int FileHeaderLength = 14;
    private const int CoreHeaderLength = 12;
    private const int CompressionRgb = 0;
    private const int CompressionBitFields = 3;

    public static ImageHeader ReadHeader(ReadOnlySpan<byte> data)
    {
        if (data.Length < FileHeaderLength + 4)
        {
            throw ImageHeaderReader.Truncated(Name, $"{data.Length} bytes do not hold the file header");
        }
        var infoLength = BinaryPrimitives.ReadUInt32LittleEndian(data[FileHeaderLength..]);
        if (infoLength == CoreHeaderLength)
        {
            RequireLength(data, FileHeaderLength + 8);
            return new ImageHeader(
                ImageFormat.Bmp,
                BinaryPrimitives.ReadUInt16LittleEndian(data[18..]),
                BinaryPrimitives.ReadUInt16LittleEndian(data[20..]));
        }
        if (infoLength is not (40 or 56 or 108 or 124))
        {
            throw ImageHeaderReader.Unreadable(Name, $"an info header of {infoLength} bytes is not supported");
        }
        RequireLength(data, FileHeaderLength + 12);
        // Width is read unsigned, as the decoder does: a negative width is an absurdly large one.
        var width = BinaryPrimitives.ReadUInt32LittleEndian(data[18..]);
        var height = Math.Abs((long)BinaryPrimitives.ReadInt32LittleEndian(data[22..]));
        return new ImageHeader(ImageFormat.Bmp, width, height);
    }

    /// <summary>
    /// For uncompressed pixels (the only kind the decoder supports) the file must hold every row; the
    /// decoder would read missing bytes as black.
    /// </summary>
    public static void EnsureComplete(ReadOnlySpan<byte> data)
    {
        var header = ReadHeader(data);
        var infoLength = BinaryPrimitives.ReadUInt32LittleEndian(data[FileHeaderLength..]);
        var bitsOffset = FileHeaderLength + (infoLength == CoreHeaderLength ? 10 : 14);
        var compressionOffset = FileHeaderLength + 16;
        RequireLength(data, infoLength == CoreHeaderLength ? bitsOffset + 2 : compressionOffset + 4);
        var bitsPerPixel = BinaryPrimitives.ReadUInt16LittleEndian(data[bitsOffset..]);
        var compression = infoLength == CoreHeaderLength
            ? CompressionRgb
            : BinaryPrimitives.ReadUInt32LittleEndian(data[compressionOffset..]);
        if (compression is not (CompressionRgb or CompressionBitFields) || bitsPerPixel is not (1 or 4 or 8 or 16 or 24 or 32))
        {
            // Not decodable at all; the decoder says so.
            return;
        }
        long pixelOffset = BinaryPrimitives.ReadUInt32LittleEndian(data[10..]);
        var stride = (header.Width * bitsPerPixel + 31) / 32 * 4;
        var needed = pixelOffset + stride * header.Height;
        if (needed > data.Length)
        {
            throw ImageHeaderReader.Truncated(Name, $"{header.Height} rows need {needed} bytes, the file has {data.Length}");
        }
    }

    private static void RequireLength(ReadOnlySpan<byte> data, int length)
    {
        if (data.Length < length)
        {
            throw ImageHeaderReader.Truncated(Name, $"{data.Length} bytes do not hold the info header");
        }
    }
}
