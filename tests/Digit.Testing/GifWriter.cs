using System.Buffers.Binary;

namespace Digit.Testing;

/// <summary>
/// A minimal GIF89a encoder for tests: a 256-entry grey global palette (index = grey level), one image,
/// LZW with a minimum code size of 8 and a clear code before each run of 254 literals, so every code stays
/// 9 bits wide and no string table is needed. Pixels with alpha below 128 use a transparent index (255;
/// grey 255 is then written as 254).
/// </summary>
public static class GifWriter
{
    private const int MinCodeSize = 8;
    private const int ClearCode = 1 << MinCodeSize;
    private const int EndCode = ClearCode + 1;
    private const int CodeWidth = MinCodeSize + 1;
    // After a clear, the decoder adds a table entry for every literal but the first; the 255th would
    // fill code 511 and widen codes to 10 bits.
    private const int LiteralsPerClear = 254;
    private const byte TransparentIndex = 255;

    public static byte[] Write(TestCanvas canvas)
    {
        var transparent = false;
        for (var i = 3; i < canvas.Rgba.Length; i += 4)
        {
            transparent |= canvas.Rgba[i] < 128;
        }
        using var output = new MemoryStream();
        output.Write("GIF89a"u8);
        Span<byte> screen = stackalloc byte[7];
        BinaryPrimitives.WriteUInt16LittleEndian(screen, (ushort)canvas.Width);
        BinaryPrimitives.WriteUInt16LittleEndian(screen[2..], (ushort)canvas.Height);
        screen[4] = 0xF7; // global colour table, 8 bits of colour resolution, 2^(7+1) entries
        output.Write(screen);
        for (var i = 0; i < 256; i++)
        {
            output.Write([(byte)i, (byte)i, (byte)i]);
        }
        if (transparent)
        {
            output.Write([0x21, 0xF9, 0x04, 0x01, 0x00, 0x00, TransparentIndex, 0x00]);
        }
        Span<byte> descriptor = stackalloc byte[10];
        descriptor[0] = 0x2C;
        BinaryPrimitives.WriteUInt16LittleEndian(descriptor[5..], (ushort)canvas.Width);
        BinaryPrimitives.WriteUInt16LittleEndian(descriptor[7..], (ushort)canvas.Height);
        output.Write(descriptor);
        output.WriteByte(MinCodeSize);
        WriteSubBlocks(output, Lzw(canvas, transparent));
        output.WriteByte(0x3B);
        return output.ToArray();
    }

    /// <summary>
    /// A GIF of <paramref name="width"/>x<paramref name="height"/> black pixels whose LZW data goes on far past them:
    /// after each clear code, literal 0 and then every next free code, so each code stands for one pixel more than
    /// the one before (1, 2, ..., 4,093 pixels), <paramref name="cycles"/> times over; each cycle is about 5.8 KB of
    /// codes for 8.4 million pixels.
    /// </summary>
    public static byte[] WriteRunaway(ushort width, ushort height, int cycles)
    {
        const int minimumCodeSize = 2;
        const int clear = 1 << minimumCodeSize;
        using var output = new MemoryStream();
        output.Write("GIF89a"u8);
        Span<byte> screen = stackalloc byte[7];
        BinaryPrimitives.WriteUInt16LittleEndian(screen, width);
        BinaryPrimitives.WriteUInt16LittleEndian(screen[2..], height);
        screen[4] = 0x81; // global colour table of 4 entries
        output.Write(screen);
        output.Write([0, 0, 0, 255, 255, 255, 0, 0, 0, 0, 0, 0]);
        Span<byte> descriptor = stackalloc byte[10];
        descriptor[0] = 0x2C;
        BinaryPrimitives.WriteUInt16LittleEndian(descriptor[5..], width);
        BinaryPrimitives.WriteUInt16LittleEndian(descriptor[7..], height);
        output.Write(descriptor);
        output.WriteByte(minimumCodeSize);
        var bits = new BitWriter();
        var codeSize = minimumCodeSize + 1;
        for (var cycle = 0; cycle < cycles; cycle++)
        {
            bits.Write(clear, codeSize);
            codeSize = minimumCodeSize + 1;
            bits.Write(0, codeSize);
            // A decoder widens codes when the next free code reaches a power of two, up to 12 bits.
            for (var next = clear + 2; next < 4095; next++)
            {
                bits.Write(next, codeSize);
                if (((next + 1) & ((1 << codeSize) - 1)) == 0 && next + 1 <= 0x0FFF)
                {
                    codeSize++;
                }
            }
        }
        bits.Write(clear + 1, codeSize);
        WriteSubBlocks(output, bits.ToArray());
        output.WriteByte(0x3B);
        return output.ToArray();
    }

    private static byte[] Lzw(TestCanvas canvas, bool transparent)
    {
        var bits = new BitWriter();
        var sinceClear = LiteralsPerClear;
        for (var i = 0; i < canvas.Rgba.Length; i += 4)
        {
            if (sinceClear == LiteralsPerClear)
            {
                bits.Write(ClearCode, CodeWidth);
                sinceClear = 0;
            }
            var index = transparent && canvas.Rgba[i + 3] < 128
                ? TransparentIndex
                : transparent ? Math.Min(canvas.Rgba[i], (byte)254) : canvas.Rgba[i];
            bits.Write(index, CodeWidth);
            sinceClear++;
        }
        bits.Write(EndCode, CodeWidth);
        return bits.ToArray();
    }

    private static void WriteSubBlocks(Stream output, byte[] data)
    {
        for (var offset = 0; offset < data.Length; offset += 255)
        {
            var length = Math.Min(255, data.Length - offset);
            output.WriteByte((byte)length);
            output.Write(data, offset, length);
        }
        output.WriteByte(0);
    }

    private sealed class BitWriter
    {
        private readonly List<byte> _bytes = [];
        private int _buffer;
        private int _count;

        public void Write(int code, int width)
        {
            _buffer |= code << _count;
            _count += width;
            while (_count >= 8)
            {
                _bytes.Add((byte)_buffer);
                _buffer >>= 8;
                _count -= 8;
            }
        }

        public byte[] ToArray()
        {
            if (_count > 0)
            {
                _bytes.Add((byte)_buffer);
                _buffer = 0;
                _count = 0;
            }
            return [.. _bytes];
        }
    }
}
