using System.Buffers.Binary;
using System.IO.Compression;

namespace Digit.Testing;

/// <summary>
/// Seeded mutations of image files for fuzz tests. Half are blind (bit flips, cuts, splices, header bytes,
/// "interesting" words); half know the format and keep its outer structure valid so the damage reaches the
/// decoder's inner parts: a PNG chunk's data, length or type with its CRC made right again, IHDR fields, a fresh
/// zlib stream of random scanlines; a GIF's sizes and LZW bytes; a JPEG's segment fields and repeated scans; a
/// BMP's header fields.
/// </summary>
public static class ImageMutations
{
    private static readonly byte[][] Interesting =
    [
        [0, 0, 0, 0], [0xFF, 0xFF, 0xFF, 0xFF], [0x7F, 0xFF, 0xFF, 0xFF], [0x80, 0, 0, 0], [0, 0, 0x10, 0], [0, 0, 0x10, 1],
        [0, 0, 0x08, 0x01], [0xFF, 0xDA], [0xFF, 0xD9], [0x2C], [0x21, 0xF9, 0x04], [0x3B],
    ];

    public static byte[] Mutate(byte[] image, Random random)
    {
        if (image.Length == 0 || random.Next(2) == 0)
        {
            return Blind(image, random);
        }
        return image switch
        {
            [0x89, (byte)'P', ..] => Png(image, random),
            [(byte)'G', (byte)'I', (byte)'F', ..] => Gif(image, random),
            [0xFF, 0xD8, ..] => Jpeg(image, random),
            [(byte)'B', (byte)'M', ..] => Bmp(image, random),
            _ => Blind(image, random),
        };
    }

    /// <summary>Damage that knows nothing of the format.</summary>
    public static byte[] Blind(byte[] image, Random random)
    {
        var data = new List<byte>(image);
        for (var count = random.Next(1, 4); count > 0 && data.Count > 0; count--)
        {
            var at = random.Next(data.Count);
            switch (random.Next(7))
            {
                case 0:
                    data[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    data.RemoveRange(at, data.Count - at);
                    break;
                case 2:
                    data[random.Next(Math.Min(64, data.Count))] = (byte)random.Next(256);
                    break;
                case 3:
                    data.InsertRange(at, RandomBytes(random, random.Next(1, 64)));
                    break;
                case 4:
                    data.RemoveRange(at, Math.Min(data.Count - at, random.Next(1, 64)));
                    break;
                case 5:
                    var word = Interesting[random.Next(Interesting.Length)];
                    for (var k = 0; k < word.Length && at + k < data.Count; k++)
                    {
                        data[at + k] = word[k];
                    }
                    break;
                default:
                    data[at] = (byte)random.Next(256);
                    break;
            }
        }
        return [.. data];
    }

    private static byte[] Png(byte[] png, Random random)
    {
        var chunks = PngChunks(png);
        if (chunks.Count == 0)
        {
            return Blind(png, random);
        }
        var index = random.Next(chunks.Count);
        var (type, data) = chunks[index];
        switch (random.Next(8))
        {
            case 0: // damage a chunk's data, CRC made right
                chunks[index] = (type, Blind(data, random));
                break;
            case 1: // IHDR fields: width, height, depth, colour type, interlace
                var ihdr = (byte[])chunks[0].Data.Clone();
                if (ihdr.Length == 13)
                {
                    var field = random.Next(5);
                    if (field < 2)
                    {
                        BinaryPrimitives.WriteUInt32BigEndian(ihdr.AsSpan(field * 4), (uint)random.NextInt64(0, 1L << 32) >> random.Next(32));
                    }
                    else
                    {
                        ihdr[field switch { 2 => 8, 3 => 9, _ => 12 }] = (byte)random.Next(field == 4 ? 3 : 20);
                    }
                }
                chunks[0] = (chunks[0].Type, ihdr);
                break;
            case 2: // a fresh zlib stream of random scanlines, of any length
                var raw = RandomBytes(random, random.Next(0, 20_000));
                chunks[index] = ("IDAT", Deflate(raw, random.Next(4) == 0 ? raw.Length * 4 : raw.Length));
                break;
            case 3: // zeros inflating past (or short of) what the image needs
                chunks.RemoveAll(c => c.Type == "IDAT");
                chunks.Insert(Math.Min(1, chunks.Count), ("IDAT", Deflate([], random.Next(0, 4 << 20))));
                break;
            case 4: // the IDAT split in two, or a chunk duplicated or dropped
                if (type == "IDAT" && data.Length > 1)
                {
                    var cut = random.Next(1, data.Length);
                    chunks[index] = (type, data[..cut]);
                    chunks.Insert(index + 1, (type, data[cut..]));
                }
                else if (random.Next(2) == 0)
                {
                    chunks.Insert(index, chunks[index]);
                }
                else
                {
                    chunks.RemoveAt(index);
                }
                break;
            case 5: // another chunk type: PLTE, tRNS, CgBI, an unknown critical one
                string[] types = ["PLTE", "tRNS", "CgBI", "ABCD", "IEND", "IHDR", "iCCP"];
                chunks.Insert(random.Next(chunks.Count + 1), (types[random.Next(types.Length)], RandomBytes(random, random.Next(0, 800))));
                break;
            case 6: // a length that lies (CRC still of the real data)
                var bytes = WritePng(chunks);
                var offset = ChunkOffset(chunks, index);
                BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(offset), (uint)(data.Length + random.Next(-8, 9)));
                return bytes;
            default: // cut inside a chunk
                var whole = WritePng(chunks);
                return whole[..random.Next(whole.Length)];
        }
        return WritePng(chunks);
    }

    private static byte[] Gif(byte[] gif, Random random)
    {
        var data = (byte[])gif.Clone();
        if (data.Length < 16)
        {
            return Blind(gif, random);
        }
        var lzw = LzwStart(data);
        switch (random.Next(4))
        {
            case 0: // screen size
                BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(6 + 2 * random.Next(2)), (ushort)random.Next(65536));
                break;
            case 1: // LZW bytes, after the colour table and the frame's descriptor
                for (var n = random.Next(1, 16); n > 0; n--)
                {
                    data[random.Next(lzw, data.Length)] = (byte)random.Next(256);
                }
                break;
            case 2: // a run of the same code: stays inside the data, outruns the frame or breaks the table
                var at = random.Next(lzw, data.Length);
                data.AsSpan(at, Math.Min(data.Length - at - 1, random.Next(1, 400))).Fill((byte)random.Next(256));
                break;
            default: // flags: colour tables, interlace, minimum code size
                data[random.Next(10, lzw + 1)] = (byte)random.Next(256);
                break;
        }
        return data;
    }

    // Where a valid GIF's first frame's LZW data begins: after the screen's colour table, the extensions, the image
    // descriptor (and its colour table) and the minimum code size.
    private static int LzwStart(byte[] gif)
    {
        var position = 13 + ((gif[10] & 0x80) != 0 ? 3 * (2 << (gif[10] & 7)) : 0);
        while (position + 1 < gif.Length && gif[position] == 0x21)
        {
            position += 2;
            while (position < gif.Length && gif[position] != 0)
            {
                position += gif[position] + 1;
            }
            position++;
        }
        if (position + 10 < gif.Length && (gif[position + 9] & 0x80) != 0)
        {
            position += 3 * (2 << (gif[position + 9] & 7));
        }
        return Math.Min(gif.Length - 1, position + 11);
    }

    private static byte[] Jpeg(byte[] jpeg, Random random)
    {
        var data = new List<byte>(jpeg);
        var scan = jpeg.AsSpan().IndexOf([(byte)0xFF, (byte)0xDA]);
        switch (random.Next(4))
        {
            case 0 when scan > 0: // the last scan repeated, up to beyond the scan limit
                var lastScan = jpeg.AsSpan().LastIndexOf([(byte)0xFF, (byte)0xDA]);
                var repeated = jpeg[lastScan..^2];
                for (var n = random.Next(1, 40); n > 0; n--)
                {
                    data.InsertRange(data.Count - 2, repeated);
                }
                break;
            case 1: // a header field: frame size, sampling factors, table ids, spectral selection
                var at = random.Next(2, scan > 2 ? scan + 12 : data.Count);
                data[Math.Min(at, data.Count - 1)] = (byte)random.Next(256);
                break;
            case 2: // a marker dropped into the entropy-coded data
                if (scan > 0)
                {
                    var into = random.Next(scan, data.Count);
                    data.InsertRange(into, [0xFF, (byte)random.Next(0xC0, 0x100)]);
                }
                break;
            default: // the entropy-coded data
                for (var n = random.Next(1, 16); n > 0 && scan > 0; n--)
                {
                    data[random.Next(scan, data.Count)] = (byte)random.Next(256);
                }
                break;
        }
        return [.. data];
    }

    private static byte[] Bmp(byte[] bmp, Random random)
    {
        var data = (byte[])bmp.Clone();
        int[] fields = [2, 10, 14, 18, 22, 26, 28, 30, 34, 46];
        var field = fields[random.Next(fields.Length)];
        if (field + 4 <= data.Length)
        {
            var value = random.Next(3) switch
            {
                0 => random.Next(-4, 40),
                1 => random.Next(),
                _ => -random.Next(1, 100_000),
            };
            BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(field), value);
        }
        return data;
    }

    private static List<(string Type, byte[] Data)> PngChunks(byte[] png)
    {
        var chunks = new List<(string, byte[])>();
        var position = 8;
        while (position + 12 <= png.Length)
        {
            var length = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(position));
            if (length > png.Length - position - 12)
            {
                break;
            }
            chunks.Add((System.Text.Encoding.Latin1.GetString(png, position + 4, 4), png[(position + 8)..(position + 8 + (int)length)]));
            position += 12 + (int)length;
        }
        return chunks;
    }

    private static byte[] WritePng(List<(string Type, byte[] Data)> chunks)
    {
        using var output = new MemoryStream();
        output.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        Span<byte> word = stackalloc byte[4];
        foreach (var (type, data) in chunks)
        {
            BinaryPrimitives.WriteUInt32BigEndian(word, (uint)data.Length);
            output.Write(word);
            byte[] typeAndData = [.. System.Text.Encoding.Latin1.GetBytes(type), .. data];
            output.Write(typeAndData);
            BinaryPrimitives.WriteUInt32BigEndian(word, Crc32.Compute(typeAndData));
            output.Write(word);
        }
        return output.ToArray();
    }

    private static int ChunkOffset(List<(string Type, byte[] Data)> chunks, int index) =>
        8 + chunks.Take(index).Sum(c => 12 + c.Data.Length);

    // The raw bytes, then zeros up to inflated bytes in all.
    private static byte[] Deflate(byte[] raw, int inflated)
    {
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            zlib.Write(raw);
            var zeros = new byte[64 * 1024];
            for (var left = inflated - raw.Length; left > 0; left -= zeros.Length)
            {
                zlib.Write(zeros, 0, Math.Min(left, zeros.Length));
            }
        }
        return compressed.ToArray();
    }

    private static byte[] RandomBytes(Random random, int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }
}
