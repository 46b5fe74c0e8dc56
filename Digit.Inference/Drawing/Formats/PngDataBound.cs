using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;

namespace Digit.Inference.Drawing.Formats;

/// <summary>
/// The IDAT data of a PNG must inflate to no more than the scanlines its IHDR describes (a filter byte and the
/// packed pixels of each row, for each Adam7 pass when interlaced). The data is inflated here into a counting sink
/// that stops past that bound, before the decoder (which inflates everything into a buffer it keeps doubling)
/// sees it: a compression bomb costs at most the bound, in time, and no memory.
/// </summary>
internal static class PngDataBound
{
    private const string Name = "PNG";
    private const int SignatureLength = 8;
    private const int ChunkOverhead = 12;

    // Adam7: each pass's first column and row, and its steps.
    private static ReadOnlySpan<byte> PassColumn => [0, 4, 0, 2, 0, 1, 0];
    private static ReadOnlySpan<byte> PassRow => [0, 0, 4, 0, 2, 0, 1];
    private static ReadOnlySpan<byte> PassColumnStep => [8, 8, 4, 4, 2, 2, 1];
    private static ReadOnlySpan<byte> PassRowStep => [8, 8, 8, 4, 4, 2, 2];

    private static ReadOnlySpan<byte> Idat => "IDAT"u8;
    private static ReadOnlySpan<byte> Iend => "IEND"u8;
    private static ReadOnlySpan<byte> AppleCgbi => "CgBI"u8;

    /// <summary>
    /// Throws <see cref="DrawingErrorKind.UnreadableImage"/> for IHDR fields the decoder cannot use, IDAT data that is
    /// not zlib, or data that inflates to more bytes than the image needs. The chunks must have been found complete.
    /// </summary>
    public static void Ensure(ImageHeader header, byte[] png)
    {
        var scanlineBytes = ScanlineBytes(header, png);
        using var compressed = new ChunkDataStream(png, IdatRanges(png));
        using var zlib = new ZLibStream(compressed, CompressionMode.Decompress);
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            long inflated = 0;
            int read;
            while ((read = zlib.Read(buffer, 0, buffer.Length)) > 0)
            {
                inflated += read;
                if (inflated > scanlineBytes)
                {
                    throw ImageHeaderReader.Unreadable(
                        Name,
                        $"its image data inflates to more than the {scanlineBytes:N0} bytes that {header.Width}x{header.Height} pixels need");
                }
            }
        }
        catch (InvalidDataException)
        {
            throw ImageHeaderReader.Unreadable(Name, "its image data (IDAT) is not a valid zlib stream");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The bytes of filtered scanlines that a PNG with this IHDR holds.</summary>
    internal static long ScanlineBytes(ImageHeader header, ReadOnlySpan<byte> png)
    {
        var ihdr = png.Slice(SignatureLength + 8, 13);
        var bitDepth = ihdr[8];
        var colorType = ihdr[9];
        var channels = colorType switch
        {
            0 or 3 => 1,
            4 => 2,
            2 => 3,
            6 => 4,
            _ => throw ImageHeaderReader.Unreadable(Name, $"colour type {colorType} does not exist"),
        };
        var depthAllowed = colorType switch
        {
            0 => bitDepth is 1 or 2 or 4 or 8 or 16,
            3 => bitDepth is 1 or 2 or 4 or 8,
            _ => bitDepth is 8 or 16,
        };
        if (!depthAllowed)
        {
            throw ImageHeaderReader.Unreadable(Name, $"bit depth {bitDepth} is not allowed with colour type {colorType}");
        }
        if (ihdr[10] != 0 || ihdr[11] != 0)
        {
            throw ImageHeaderReader.Unreadable(Name, $"compression method {ihdr[10]} or filter method {ihdr[11]} is not 0");
        }
        var bitsPerPixel = channels * bitDepth;
        return ihdr[12] switch
        {
            0 => Scanlines(header.Width, header.Height, bitsPerPixel),
            1 => AdamSevenScanlines(header.Width, header.Height, bitsPerPixel),
            var method => throw ImageHeaderReader.Unreadable(Name, $"interlace method {method} does not exist"),
        };
    }

    private static long AdamSevenScanlines(long width, long height, int bitsPerPixel)
    {
        long total = 0;
        for (var pass = 0; pass < 7; pass++)
        {
            var columns = (width - PassColumn[pass] + PassColumnStep[pass] - 1) / PassColumnStep[pass];
            var rows = (height - PassRow[pass] + PassRowStep[pass] - 1) / PassRowStep[pass];
            if (columns > 0 && rows > 0)
            {
                total += Scanlines(columns, rows, bitsPerPixel);
            }
        }
        return total;
    }

    // A filter byte, then the row's pixels packed and padded to a whole byte.
    private static long Scanlines(long columns, long rows, int bitsPerPixel) => rows * (1 + (columns * bitsPerPixel + 7) / 8);

    // Every IDAT chunk's data, in file order up to IEND: the decoder joins them the same way.
    private static List<Range> IdatRanges(ReadOnlySpan<byte> png)
    {
        var ranges = new List<Range>();
        var position = SignatureLength;
        while (position + ChunkOverhead <= png.Length)
        {
            var length = (int)BinaryPrimitives.ReadUInt32BigEndian(png[position..]);
            var type = png.Slice(position + 4, 4);
            if (type.SequenceEqual(Iend))
            {
                break;
            }
            if (type.SequenceEqual(AppleCgbi))
            {
                // Apple's variant holds raw deflate data and BGR pixels; browsers do not show it either.
                throw ImageHeaderReader.Unreadable(Name, "it is an Apple CgBI PNG");
            }
            if (type.SequenceEqual(Idat))
            {
                ranges.Add(new Range(position + 8, position + 8 + length));
            }
            position += ChunkOverhead + length;
        }
        return ranges;
    }

    /// <summary>The data of some chunks read as one stream, without copying them.</summary>
    private sealed class ChunkDataStream(byte[] file, List<Range> ranges) : Stream
    {
        private int _range;
        private int _offset;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            while (_range < ranges.Count)
            {
                var (start, length) = ranges[_range].GetOffsetAndLength(file.Length);
                if (_offset < length)
                {
                    var copied = Math.Min(buffer.Length, length - _offset);
                    file.AsSpan(start + _offset, copied).CopyTo(buffer);
                    _offset += copied;
                    return copied;
                }
                _range++;
                _offset = 0;
            }
            return 0;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
