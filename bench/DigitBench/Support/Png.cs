using System.Buffers.Binary;
using System.IO.Compression;

namespace Digit.Bench.Support;

/// <summary>A small PNG encoder (8-bit grey+alpha or RGBA, filter 0, one IDAT) for building request payloads.</summary>
internal static class Png
{
    private static readonly uint[] CrcTable = BuildCrcTable();

    /// <summary>An RGBA PNG of a grey picture, fully opaque: what a browser canvas's toDataURL gives.</summary>
    public static byte[] OpaqueRgba(ReadOnlySpan<byte> grey, int width, int height)
    {
        var raw = new byte[(1 + width * 4) * height];
        for (var y = 0; y < height; y++)
        {
            var row = y * (1 + width * 4) + 1;
            for (var x = 0; x < width; x++)
            {
                var value = grey[y * width + x];
                raw[row + x * 4] = value;
                raw[row + x * 4 + 1] = value;
                raw[row + x * 4 + 2] = value;
                raw[row + x * 4 + 3] = 255;
            }
        }
        return Encode(width, height, colorType: 6, raw);
    }

    /// <summary>A grey+alpha PNG from interleaved grey, alpha bytes.</summary>
    public static byte[] GreyAlpha(ReadOnlySpan<byte> greyAlpha, int width, int height)
    {
        var raw = new byte[(1 + width * 2) * height];
        for (var y = 0; y < height; y++)
        {
            greyAlpha.Slice(y * width * 2, width * 2).CopyTo(raw.AsSpan(y * (1 + width * 2) + 1));
        }
        return Encode(width, height, colorType: 4, raw);
    }

    public static string DataUrl(byte[] png) => "data:image/png;base64," + Convert.ToBase64String(png);

    private static byte[] Encode(int width, int height, byte colorType, byte[] raw)
    {
        using var output = new MemoryStream();
        output.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8;
        header[9] = colorType;
        WriteChunk(output, "IHDR"u8, header);
        using (var compressed = new MemoryStream())
        {
            using (var zlib = new ZLibStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
            {
                zlib.Write(raw);
            }
            WriteChunk(output, "IDAT"u8, compressed.ToArray());
        }
        WriteChunk(output, "IEND"u8, []);
        return output.ToArray();
    }

    private static void WriteChunk(Stream output, ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        output.Write(word);
        output.Write(type);
        output.Write(data);
        var crc = Crc(0xFFFFFFFFu, type);
        crc = Crc(crc, data) ^ 0xFFFFFFFFu;
        BinaryPrimitives.WriteUInt32BigEndian(word, crc);
        output.Write(word);
    }

    private static uint Crc(uint crc, ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes)
        {
            crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }
        return crc;
    }

    private static uint[] BuildCrcTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }
            table[n] = c;
        }
        return table;
    }
}
