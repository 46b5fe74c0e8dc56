using System.Buffers.Binary;

namespace Digit.Inference.Drawing;

/// <summary>
/// The LZW data of a GIF's first frame must expand to no more pixels than the frame has. Skia's GIF decoder (wuffs)
/// writes only the frame's pixels but expands every code it reads, up to 4,095 pixels for a 12-bit code, so a megabyte
/// of codes costs over a second of CPU (<c>DigitBench bombs</c>, gif-lzw). Here the codes are read as a decoder reads
/// them (the blocks up to the first image descriptor, the code widths, clear and end codes) but only each string's
/// length is tracked, so this costs one step a code; a frame whose data goes on once its pixels are all written is
/// refused.
/// </summary>
internal static class GifDataBound
{
    private const int MaxCodes = 8192;
    private const int MaxCodeSize = 12;

    /// <summary>Throws <see cref="DrawingErrorKind.UnreadableImage"/> when the first frame cannot be found or its codes outrun it.</summary>
    public static void Ensure(ReadOnlySpan<byte> gif)
    {
        var reader = new Reader(gif);
        reader.Skip(6);
        var screenWidth = reader.ReadUInt16();
        var screenHeight = reader.ReadUInt16();
        var flags = reader.ReadByte();
        reader.Skip(2);
        var globalTable = (flags & 0x80) != 0;
        if (globalTable)
        {
            reader.Skip(3 * (2 << (flags & 7)));
        }
        while (true)
        {
            switch (reader.ReadByte())
            {
                case 0x2C:
                    var left = reader.ReadUInt16();
                    var top = reader.ReadUInt16();
                    var width = reader.ReadUInt16();
                    var height = reader.ReadUInt16();
                    if (left + width > screenWidth || top + height > screenHeight)
                    {
                        throw Unreadable($"its first frame ({width}x{height} at {left},{top}) lies outside the {screenWidth}x{screenHeight} screen");
                    }
                    var frameFlags = reader.ReadByte();
                    if ((frameFlags & 0x80) != 0)
                    {
                        reader.Skip(3 * (2 << (frameFlags & 7)));
                    }
                    else if (!globalTable)
                    {
                        throw Unreadable("its first frame has no colour table");
                    }
                    EnsureCodesFit(ref reader, (long)width * height);
                    return;
                case 0x21:
                    SkipExtension(ref reader);
                    break;
                case 0x3B:
                    throw Unreadable("it ends before any frame");
                case var tag:
                    // Also where the data runs out (zeros are read there).
                    throw Unreadable($"block type 0x{tag:X2} before the first frame does not exist");
            }
        }
    }

    private static void SkipExtension(ref Reader reader)
    {
        if (reader.ReadByte() == 0xF9)
        {
            // A graphic control extension of 4 bytes; one of any other length is skipped by that many, and block types
            // are read again (not sub-blocks): the decoder refuses it, so either reading is safe.
            var length = reader.ReadByte();
            if (length != 4)
            {
                reader.Skip(length);
                return;
            }
            reader.Skip(4);
        }
        SkipSubBlocks(ref reader);
    }

    private static void SkipSubBlocks(ref Reader reader)
    {
        int length;
        while ((length = reader.ReadByte()) != 0)
        {
            reader.Skip(length);
        }
    }

    private static void EnsureCodesFit(ref Reader reader, long pixels)
    {
        var minimumCodeSize = reader.ReadByte();
        if (minimumCodeSize > MaxCodeSize)
        {
            throw Unreadable($"its LZW minimum code size is {minimumCodeSize}, more than {MaxCodeSize}");
        }
        Span<ushort> lengths = stackalloc ushort[MaxCodes];
        var clear = 1 << minimumCodeSize;
        lengths[..clear].Fill(1);
        var codeSize = minimumCodeSize + 1;
        var codeMask = (1 << codeSize) - 1;
        var available = clear + 2;
        var previous = -1;
        var cleared = false;
        var bits = 0;
        var bitCount = 0;
        var blockLeft = 0;
        long written = 0;
        while (true)
        {
            if (bitCount < codeSize)
            {
                if (blockLeft == 0)
                {
                    blockLeft = reader.ReadByte();
                    if (blockLeft == 0)
                    {
                        return;
                    }
                }
                blockLeft--;
                bits |= reader.ReadByte() << bitCount;
                bitCount += 8;
                continue;
            }
            var code = bits & codeMask;
            bits >>= codeSize;
            bitCount -= codeSize;
            if (code == clear)
            {
                codeSize = minimumCodeSize + 1;
                codeMask = (1 << codeSize) - 1;
                available = clear + 2;
                previous = -1;
                cleared = true;
                continue;
            }
            if (code == clear + 1)
            {
                return;
            }
            if (code > available || !cleared || (previous < 0 && code == available))
            {
                throw Unreadable($"LZW code {code} is not defined where it appears");
            }
            if (previous >= 0)
            {
                var added = available++;
                if (available > MaxCodes)
                {
                    throw Unreadable("its LZW data defines more codes than the decoder holds");
                }
                lengths[added] = (ushort)(lengths[previous] + 1);
            }
            if (written >= pixels)
            {
                throw Unreadable($"its image data goes on after all {pixels:N0} pixels of the frame are written");
            }
            written += lengths[code];
            if ((available & codeMask) == 0 && available <= 0x0FFF)
            {
                codeSize++;
                codeMask = (1 << codeSize) - 1;
            }
            previous = code;
        }
    }

    private static DrawingException Unreadable(string detail) =>
        new(DrawingErrorKind.UnreadableImage, $"The GIF cannot be read: {detail}.");

    /// <summary>Reads zero past the end, and a skip past the end stops at it: a file cut short was refused already.</summary>
    private ref struct Reader(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private int _position;

        public byte ReadByte() => _position < _data.Length ? _data[_position++] : (byte)0;

        public int ReadUInt16()
        {
            if (_position + 2 > _data.Length)
            {
                var low = ReadByte();
                return low | (ReadByte() << 8);
            }
            var value = BinaryPrimitives.ReadUInt16LittleEndian(_data[_position..]);
            _position += 2;
            return value;
        }

        public void Skip(int count) => _position = (int)Math.Min(_data.Length, (long)_position + count);
    }
}
