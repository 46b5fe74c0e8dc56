using System.Buffers.Binary;
using System.IO.Compression;

namespace Digit.Testing;

/// <summary>PNG colour types this writer produces (8 bits a channel).</summary>
public enum PngColorType : byte
{
    Grey = 0,
    Rgb = 2,
    GreyAlpha = 4,
    Rgba = 6,
}

/// <summary>
/// A minimal PNG encoder for tests: signature, IHDR, one IDAT (zlib, filter 0 on every row), IEND.
/// Grey is taken from the red channel.
/// </summary>
public static class PngWriter
{
    private static ReadOnlySpan<byte> Signature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    public static byte[] Write(TestCanvas canvas, PngColorType colorType = PngColorType.Rgba) =>
        Write((uint)canvas.Width, (uint)canvas.Height, colorType, Scanlines(canvas, colorType));

    /// <summary>An 8-bit grey+alpha PNG of interleaved grey, alpha bytes, rows top to bottom.</summary>
    public static byte[] WriteGreyAlpha(ReadOnlySpan<byte> greyAlpha, int width, int height)
    {
        var rowLength = 1 + width * 2;
        var scanlines = new byte[rowLength * height];
        for (var y = 0; y < height; y++)
        {
            // Filter byte 0, then the row's grey and alpha.
            greyAlpha.Slice(y * width * 2, width * 2).CopyTo(scanlines.AsSpan(y * rowLength + 1));
        }
        return Write((uint)width, (uint)height, PngColorType.GreyAlpha, scanlines);
    }

    /// <summary>A PNG whose IHDR claims any size, with the given (possibly too short) raw scanlines.</summary>
    public static byte[] Write(uint width, uint height, PngColorType colorType, byte[] scanlines) =>
        Write(width, height, bitDepth: 8, (byte)colorType, interlace: 0, scanlines, palette: null);

    /// <summary>
    /// A PNG with any IHDR fields (valid or not), the raw scanlines deflated into one IDAT, and a PLTE
    /// chunk when <paramref name="palette"/> is given. Every chunk has a correct CRC.
    /// </summary>
    public static byte[] Write(uint width, uint height, byte bitDepth, byte colorType, byte interlace, byte[] scanlines, byte[]? palette)
    {
        using var output = new MemoryStream();
        output.Write(Signature);
        WriteChunk(output, "IHDR"u8, Ihdr(width, height, bitDepth, colorType, interlace));
        if (palette is not null)
        {
            WriteChunk(output, "PLTE"u8, palette);
        }
        WriteChunk(output, "IDAT"u8, Deflate(scanlines));
        WriteChunk(output, "IEND"u8, []);
        return output.ToArray();
    }

    private static byte[] Ihdr(uint width, uint height, byte bitDepth, byte colorType, byte interlace)
    {
        var ihdr = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteUInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = bitDepth;
        ihdr[9] = colorType;
        ihdr[12] = interlace;
        return ihdr;
    }

    /// <summary>
    /// A PNG whose IDAT inflates to <paramref name="inflatedBytes"/> zero bytes, whatever its IHDR needs: a
    /// compression bomb when that is more (deflate packs about 1,000 zeros into a byte, so 700 MiB fit in 0.7 MB).
    /// </summary>
    public static byte[] WriteZeros(uint width, uint height, byte bitDepth, PngColorType colorType, long inflatedBytes, byte interlace = 0)
    {
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            var zeros = new byte[1 << 20];
            for (var left = inflatedBytes; left > 0; left -= zeros.Length)
            {
                zlib.Write(zeros, 0, (int)Math.Min(left, zeros.Length));
            }
        }
        using var output = new MemoryStream();
        output.Write(Signature);
        WriteChunk(output, "IHDR"u8, Ihdr(width, height, bitDepth, (byte)colorType, interlace));
        WriteChunk(output, "IDAT"u8, compressed.ToArray());
        WriteChunk(output, "IEND"u8, []);
        return output.ToArray();
    }

    private static byte[] Scanlines(TestCanvas canvas, PngColorType colorType)
    {
        var channels = colorType switch
        {
            PngColorType.Grey => 1,
            PngColorType.GreyAlpha => 2,
            PngColorType.Rgb => 3,
            _ => 4,
        };
        var rowLength = 1 + canvas.Width * channels;
        var raw = new byte[rowLength * canvas.Height];
        for (var y = 0; y < canvas.Height; y++)
        {
            for (var x = 0; x < canvas.Width; x++)
            {
                var source = (y * canvas.Width + x) * 4;
                var target = y * rowLength + 1 + x * channels;
                switch (colorType)
                {
                    case PngColorType.Grey:
                        raw[target] = canvas.Rgba[source];
                        break;
                    case PngColorType.GreyAlpha:
                        raw[target] = canvas.Rgba[source];
                        raw[target + 1] = canvas.Rgba[source + 3];
                        break;
                    case PngColorType.Rgb:
                        canvas.Rgba.AsSpan(source, 3).CopyTo(raw.AsSpan(target));
                        break;
                    default:
                        canvas.Rgba.AsSpan(source, 4).CopyTo(raw.AsSpan(target));
                        break;
                }
            }
        }
        return raw;
    }

    private static byte[] Deflate(byte[] data)
    {
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            zlib.Write(data);
        }
        return compressed.ToArray();
    }

    private static void WriteChunk(Stream output, ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(word, (uint)data.Length);
        output.Write(word);
        var typeAndData = new byte[4 + data.Length];
        type.CopyTo(typeAndData);
        data.CopyTo(typeAndData.AsSpan(4));
        output.Write(typeAndData);
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32.Compute(typeAndData));
        output.Write(word);
    }
}
