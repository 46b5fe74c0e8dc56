using System.Buffers.Binary;

namespace Digit.Testing;

/// <summary>
/// A minimal baseline JPEG encoder for tests: one grey component, all quantisation steps 1, and only the
/// DC coefficient of each 8x8 block (the block's mean; every AC coefficient is zero). Blocks that are flat
/// in the canvas therefore decode back to the same grey, within rounding. Huffman tables: DC categories
/// 0–11 as 4-bit codes 0000–1011; AC has the single symbol EOB as the 1-bit code 0.
/// </summary>
public static class JpegWriter
{
    public static byte[] Write(TestCanvas canvas) => Write(canvas, (ushort)canvas.Width, (ushort)canvas.Height);

    /// <summary>Encodes the canvas but writes the given dimensions into the frame header.</summary>
    public static byte[] Write(TestCanvas canvas, ushort frameWidth, ushort frameHeight)
    {
        using var output = new MemoryStream();
        output.Write([0xFF, 0xD8]);
        Segment(output, 0xE0, [.. "JFIF\0"u8, 1, 1, 0, 0, 1, 0, 1, 0, 0]);
        QuantisationAndFrame(output, 0xC0, frameWidth, frameHeight);
        HuffmanTables(output);
        Segment(output, 0xDA, [1, 1, 0x00, 0, 63, 0]);
        output.Write(EntropyData(canvas));
        output.Write([0xFF, 0xD9]);
        return output.ToArray();
    }

    /// <summary>
    /// The same picture as a progressive JPEG: a DC scan, an AC scan in which every block ends at once (EOB, the
    /// 1-bit code 0), then <paramref name="refinementScans"/> AC refinement scans of the same kind (Ah = 1, Al = 0),
    /// each of which a decoder walks block by block and coefficient by coefficient.
    /// </summary>
    public static byte[] WriteProgressive(TestCanvas canvas, int refinementScans = 0)
    {
        using var output = new MemoryStream();
        output.Write([0xFF, 0xD8]);
        QuantisationAndFrame(output, 0xC2, (ushort)canvas.Width, (ushort)canvas.Height);
        HuffmanTables(output);
        Segment(output, 0xDA, [1, 1, 0x00, 0, 0, 0x00]);
        output.Write(EntropyData(canvas, withEndOfBlock: false));
        var endsOfBlocks = EndsOfBlocks(canvas);
        Segment(output, 0xDA, [1, 1, 0x00, 1, 63, 0x00]);
        output.Write(endsOfBlocks);
        for (var i = 0; i < refinementScans; i++)
        {
            Segment(output, 0xDA, [1, 1, 0x00, 1, 63, 0x10]);
            output.Write(endsOfBlocks);
        }
        output.Write([0xFF, 0xD9]);
        return output.ToArray();
    }

    // One EOB (bit 0) for every block, padded with 1 bits.
    private static byte[] EndsOfBlocks(TestCanvas canvas)
    {
        var blocks = (canvas.Width + 7) / 8 * ((canvas.Height + 7) / 8);
        var bytes = new byte[(blocks + 7) / 8];
        if (blocks % 8 != 0)
        {
            bytes[^1] = (byte)((1 << (8 - blocks % 8)) - 1);
        }
        return bytes;
    }

    private static byte[] EntropyData(TestCanvas canvas, bool withEndOfBlock = true)
    {
        var bits = new List<bool>();
        var previous = 0;
        for (var blockY = 0; blockY < (canvas.Height + 7) / 8; blockY++)
        {
            for (var blockX = 0; blockX < (canvas.Width + 7) / 8; blockX++)
            {
                var dc = (int)Math.Round((BlockMean(canvas, blockX, blockY) - 128) * 8);
                var difference = dc - previous;
                previous = dc;
                var category = difference == 0 ? 0 : 32 - int.LeadingZeroCount(Math.Abs(difference));
                Append(bits, category, 4);
                Append(bits, difference >= 0 ? difference : difference + (1 << category) - 1, category);
                if (withEndOfBlock)
                {
                    Append(bits, 0, 1); // EOB
                }
            }
        }
        while (bits.Count % 8 != 0)
        {
            bits.Add(true);
        }
        var bytes = new List<byte>();
        for (var i = 0; i < bits.Count; i += 8)
        {
            var value = 0;
            for (var j = 0; j < 8; j++)
            {
                value = (value << 1) | (bits[i + j] ? 1 : 0);
            }
            bytes.Add((byte)value);
            if (value == 0xFF)
            {
                bytes.Add(0x00);
            }
        }
        return [.. bytes];
    }

    // Edge blocks repeat the last row and column, as encoders usually pad.
    private static double BlockMean(TestCanvas canvas, int blockX, int blockY)
    {
        var sum = 0.0;
        for (var y = 0; y < 8; y++)
        {
            for (var x = 0; x < 8; x++)
            {
                sum += canvas.GreyAt(Math.Min(blockX * 8 + x, canvas.Width - 1), Math.Min(blockY * 8 + y, canvas.Height - 1));
            }
        }
        return sum / 64;
    }

    private static void Append(List<bool> bits, int value, int count)
    {
        for (var i = count - 1; i >= 0; i--)
        {
            bits.Add(((value >> i) & 1) != 0);
        }
    }

    /// <summary>DC table 0: twelve codes of length 4, one per size category; AC table 0: one code of length 1, EOB.</summary>
    // One table of quantisation steps 1, then the frame header (SOF0 baseline, SOF2 progressive) of one grey
    // component, component 1, no subsampling, table 0.
    private static void QuantisationAndFrame(Stream output, byte frameMarker, ushort width, ushort height)
    {
        var quantisation = new byte[65];
        Array.Fill(quantisation, (byte)1, 1, 64);
        Segment(output, 0xDB, quantisation);
        var frame = new byte[9];
        frame[0] = 8;
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(1), height);
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(3), width);
        frame[5] = 1;
        frame[6] = 1;
        frame[7] = 0x11;
        Segment(output, frameMarker, frame);
    }

    private static void HuffmanTables(MemoryStream output)
    {
        var dcTable = new byte[1 + 16 + 12];
        dcTable[1 + 3] = 12;
        for (var i = 0; i < 12; i++)
        {
            dcTable[17 + i] = (byte)i;
        }
        Segment(output, 0xC4, dcTable);
        var acTable = new byte[1 + 16 + 1];
        acTable[0] = 0x10;
        acTable[1] = 1;
        Segment(output, 0xC4, acTable);
    }

    private static void Segment(Stream output, byte marker, ReadOnlySpan<byte> payload)
    {
        output.Write([0xFF, marker]);
        Span<byte> length = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(length, (ushort)(payload.Length + 2));
        output.Write(length);
        output.Write(payload);
    }
}
