using System.Buffers.Binary;

namespace Digit.Testing;

/// <summary>A minimal BMP encoder for tests: BITMAPINFOHEADER, 32-bit BGRA or 24-bit BGR, rows bottom-up.</summary>
public static class BmpWriter
{
    private const int FileHeaderLength = 14;
    private const int InfoHeaderLength = 40;

    public static byte[] Write(TestCanvas canvas, int bitsPerPixel = 24)
    {
        var bytesPerPixel = bitsPerPixel / 8;
        var stride = (canvas.Width * bytesPerPixel + 3) / 4 * 4;
        var pixelOffset = FileHeaderLength + InfoHeaderLength;
        var file = new byte[pixelOffset + stride * canvas.Height];
        var header = BmpHeader(canvas.Width, canvas.Height, bitsPerPixel, file.Length);
        header.CopyTo(file, 0);
        for (var y = 0; y < canvas.Height; y++)
        {
            var row = pixelOffset + (canvas.Height - 1 - y) * stride;
            for (var x = 0; x < canvas.Width; x++)
            {
                var source = (y * canvas.Width + x) * 4;
                var target = row + x * bytesPerPixel;
                file[target] = canvas.Rgba[source + 2];
                file[target + 1] = canvas.Rgba[source + 1];
                file[target + 2] = canvas.Rgba[source];
                if (bytesPerPixel == 4)
                {
                    file[target + 3] = canvas.Rgba[source + 3];
                }
            }
        }
        return file;
    }

    /// <summary>The 54 header bytes of a BMP claiming any size (height negative for top-down rows).</summary>
    public static byte[] BmpHeader(int width, int height, int bitsPerPixel, int fileLength)
    {
        var header = new byte[FileHeaderLength + InfoHeaderLength];
        header[0] = (byte)'B';
        header[1] = (byte)'M';
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(2), fileLength);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(10), FileHeaderLength + InfoHeaderLength);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(14), InfoHeaderLength);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(18), width);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(22), height);
        BinaryPrimitives.WriteInt16LittleEndian(header.AsSpan(26), 1);
        BinaryPrimitives.WriteInt16LittleEndian(header.AsSpan(28), (short)bitsPerPixel);
        return header;
    }
}
