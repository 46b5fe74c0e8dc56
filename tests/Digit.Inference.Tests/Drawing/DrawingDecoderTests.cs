using System.Buffers.Binary;
using Digit.Inference.Drawing;
using Digit.Testing;

namespace Digit.Inference.Tests.Drawing;

public sealed class DrawingDecoderTests
{
    // 16x8: a black left half, a white right half; JPEG blocks are 8x8, so each half is one flat block.
    private static TestCanvas Halves() => new TestCanvas(16, 8, grey: 0).FillRect(8, 0, 8, 8, grey: 255);

    public static TheoryData<string> Encodings => ["png-rgba", "png-rgb", "png-grey", "png-grey-alpha", "bmp-24", "bmp-32", "gif", "jpeg", "jpeg-progressive"];

    [Theory]
    [MemberData(nameof(Encodings))]
    public void DecodeImage_EachEncoding_ReturnsPixels(string encoding)
    {
        var image = DrawingDecoder.DecodeImage(Encode(Halves(), encoding));

        Assert.Equal(16, image.Width);
        Assert.Equal(8, image.Height);
        for (var y = 0; y < 8; y++)
        {
            for (var x = 0; x < 16; x++)
            {
                var expected = x < 8 ? 0 : 255;
                var offset = (y * 16 + x) * 2;
                Assert.InRange(image.GreyAlpha[offset], expected - 2, expected + 2);
                Assert.Equal(255, image.GreyAlpha[offset + 1]);
            }
        }
    }

    [Fact]
    public void DecodeImage_JpegOfFlatBlocks_ReturnsEachBlockGrey()
    {
        var canvas = new TestCanvas(24, 16, grey: 0).FillRect(8, 0, 8, 8, grey: 200).FillRect(16, 8, 8, 8, grey: 90);

        var image = DrawingDecoder.DecodeImage(JpegWriter.Write(canvas));

        Assert.Equal(ImageFormat.Jpeg, image.Format);
        Assert.InRange(image.GreyAlpha[(3 * 24 + 11) * 2], 198, 202);
        Assert.InRange(image.GreyAlpha[(12 * 24 + 19) * 2], 88, 92);
        Assert.InRange(image.GreyAlpha[(12 * 24 + 3) * 2], 0, 2);
    }

    [Fact]
    public void DecodeImage_TransparentPixels_KeepAlphaZero()
    {
        var canvas = new TestCanvas(4, 4, grey: 0, alpha: 0).FillRect(1, 1, 2, 2, grey: 0);

        var png = DrawingDecoder.DecodeImage(PngWriter.Write(canvas));
        var gif = DrawingDecoder.DecodeImage(GifWriter.Write(canvas));

        Assert.Equal(0, png.GreyAlpha[1]);
        Assert.Equal(255, png.GreyAlpha[(1 * 4 + 1) * 2 + 1]);
        Assert.Equal(0, gif.GreyAlpha[1]);
        Assert.Equal(255, gif.GreyAlpha[(1 * 4 + 1) * 2 + 1]);
    }

    [Fact]
    public void DecodeImage_ConcurrentCalls_GiveTheSameImages()
    {
        // The decoder keeps some process-wide statics; requests decode in parallel.
        string[] encodings = ["png-rgba", "gif", "jpeg", "bmp-24"];
        var files = encodings.Select(e => Encode(Halves(), e)).ToArray();
        var expected = files.Select(f => DrawingDecoder.DecodeImage(f).GreyAlpha).ToArray();
        var truncated = files.Select(f => f[..(f.Length - 3)]).ToArray();
        var unreadable = PngWriter.Write(28, 28, PngColorType.Grey, new byte[29 * 10]);

        Parallel.For(0, 400, i =>
        {
            var k = i % files.Length;
            Assert.Equal(expected[k], DrawingDecoder.DecodeImage(files[k]).GreyAlpha);
            var exception = Assert.Throws<DrawingException>(() => DrawingDecoder.DecodeImage(truncated[k]));
            Assert.Equal(DrawingErrorKind.TruncatedImage, exception.Kind);
            exception = Assert.Throws<DrawingException>(() => DrawingDecoder.DecodeImage(unreadable));
            Assert.Equal(DrawingErrorKind.UnreadableImage, exception.Kind);
        });
    }

    [Fact]
    public void Decode_DataUrlAndBareBase64_GiveTheSameImage()
    {
        var base64 = Convert.ToBase64String(PngWriter.Write(Halves()));

        var fromUrl = DrawingDecoder.Decode("data:image/png;base64," + base64);
        var fromBare = DrawingDecoder.Decode(base64);

        Assert.Equal(fromUrl.GreyAlpha, fromBare.GreyAlpha);
        Assert.Equal(ImageFormat.Png, fromUrl.Format);
    }

    [Fact]
    public void Decode_DataUrlWithOtherDeclaredType_SniffsTheBytes()
    {
        var image = DrawingDecoder.Decode("data:image/jpeg;base64," + Convert.ToBase64String(GifWriter.Write(Halves())));

        Assert.Equal(ImageFormat.Gif, image.Format);
    }

    [Theory]
    [InlineData(new byte[] { (byte)'h', (byte)'e', (byte)'l', (byte)'l', (byte)'o' })]
    [InlineData(new byte[] { 0x00, 0x00, 0x01, 0x00, 0x01, 0x00 })] // an ICO header
    [InlineData(new byte[] { (byte)'R', (byte)'I', (byte)'F', (byte)'F', 0, 0, 0, 0, (byte)'W', (byte)'E', (byte)'B', (byte)'P' })]
    [InlineData(new byte[] { 0x89 })]
    public void DecodeImage_UnknownSignature_ThrowsNotAnImage(byte[] data)
    {
        AssertRefused(DrawingErrorKind.NotAnImage, data);
    }

    [Fact]
    public void DecodeImage_ZeroBytes_ThrowsEmptyImage()
    {
        AssertRefused(DrawingErrorKind.EmptyImage, []);
    }

    [Theory]
    [InlineData(0u, 28u)]
    [InlineData(28u, 0u)]
    [InlineData(0u, 0u)]
    public void DecodeImage_PngClaimingZeroSide_ThrowsUnreadableImage(uint width, uint height)
    {
        AssertRefused(DrawingErrorKind.UnreadableImage, PngWriter.Write(width, height, PngColorType.Grey, []));
    }

    [Fact]
    public void DecodeImage_GifAndBmpClaimingZeroSide_ThrowUnreadableImage()
    {
        var gif = GifWriter.Write(Halves());
        BinaryPrimitives.WriteUInt16LittleEndian(gif.AsSpan(6), 0);
        var bmp = BmpWriter.Write(Halves());
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(22), 0);

        AssertRefused(DrawingErrorKind.UnreadableImage, gif);
        AssertRefused(DrawingErrorKind.UnreadableImage, bmp);
    }

    [Theory]
    [MemberData(nameof(Encodings))]
    public void DecodeImage_CutShort_ThrowsTruncatedImage(string encoding)
    {
        var whole = Encode(Halves(), encoding);

        foreach (var length in new[] { 2, 12, 30, whole.Length / 2, whole.Length - 1 })
        {
            AssertRefused(DrawingErrorKind.TruncatedImage, whole[..length]);
        }
    }

    [Fact]
    public void DecodeImage_PngWithCorruptCompressedData_ThrowsUnreadableImage()
    {
        // Chunks intact (so not truncated), but the IDAT holds no valid zlib stream.
        var png = PngWriter.Write(Halves(), PngColorType.Grey);
        var idat = png.AsSpan().IndexOf("IDAT"u8) + 4;
        png.AsSpan(idat, 6).Fill(0xFF);

        AssertRefused(DrawingErrorKind.UnreadableImage, png);
    }

    [Fact]
    public void DecodeImage_PngWithTooFewPixels_ThrowsUnreadableImage()
    {
        AssertRefused(DrawingErrorKind.UnreadableImage, PngWriter.Write(28, 28, PngColorType.Grey, new byte[29 * 10]));
    }

    [Fact]
    public void DecodeImage_LosslessJpeg_ThrowsUnreadableImage()
    {
        var jpeg = JpegWriter.Write(Halves());
        jpeg[jpeg.AsSpan().IndexOf([(byte)0xFF, (byte)0xC0]) + 1] = 0xC3;

        AssertRefused(DrawingErrorKind.UnreadableImage, jpeg);
    }

    [Fact]
    public void DecodeImage_OverOneMebibyte_ThrowsTooLarge()
    {
        AssertRefused(DrawingErrorKind.TooLarge, new byte[DrawingPayload.MaxImageBytes + 1]);
    }

    [Fact]
    public void DecodeImage_MaxSideByOne_Decodes()
    {
        var image = DrawingDecoder.DecodeImage(PngWriter.Write(new TestCanvas(DrawingDecoder.MaxSide, 1), PngColorType.Grey));

        Assert.Equal(DrawingDecoder.MaxSide, image.Width);
    }

    [Fact]
    public void DecodeImage_MaxPixels_Decodes()
    {
        var image = DrawingDecoder.DecodeImage(PngWriter.Write(new TestCanvas(2048, DrawingDecoder.MaxPixels / 2048), PngColorType.Grey));

        Assert.Equal(DrawingDecoder.MaxPixels, image.Width * image.Height);
    }

    public static TheoryData<string, byte[]> HugeHeaders => new()
    {
        { "png 2048x1025, a row over the pixel limit", PngWriter.Write(2048, 1025, PngColorType.Grey, new byte[2049 * 1025]) },
        { "png 4096x4096", PngWriter.Write(4096, 4096, PngColorType.Rgba, []) },
        { "jpeg 2048x2048", JpegWriter.Write(new TestCanvas(8, 8), 2048, 2048) },
        { "gif 4096x4096", WithGifSize(GifWriter.Write(new TestCanvas(2, 2)), 4096, 4096) },
        { "bmp 1-bit 2896x2896 (1 MiB)", BmpWriter.BmpHeader(2896, 2896, 1, 54) },
        { "png 4097x1", PngWriter.Write(4097, 1, PngColorType.Grey, new byte[4098]) },
        { "png 100000x100000", PngWriter.Write(100_000, 100_000, PngColorType.Rgba, []) },
        { "jpeg 8x5000", JpegWriter.Write(new TestCanvas(8, 8), 8, 5_000) },
        { "gif 65535x65535", WithGifSize(GifWriter.Write(new TestCanvas(2, 2)), 65_535, 65_535) },
        { "bmp 60000x60000", BmpWriter.BmpHeader(60_000, 60_000, 24, 54) },
        { "bmp top-down 20000 rows", BmpWriter.BmpHeader(10, -20_000, 24, 54) },
    };

    // Sides their own format forbids (PNG: at most 2^31-1; JPEG as libjpeg reads it: at most 65,500; BMP: a positive
    // width): the codec refuses the header, which is as cheap as the size check.
    public static TheoryData<string, byte[]> ImpossibleHeaders => new()
    {
        { "png 2^32-1 square", PngWriter.Write(uint.MaxValue, uint.MaxValue, PngColorType.Rgba, []) },
        { "jpeg 65535x65535", JpegWriter.Write(new TestCanvas(8, 8), 65_535, 65_535) },
        { "bmp negative width", BmpWriter.BmpHeader(-10, 10, 24, 54) },
    };

    [Theory]
    [MemberData(nameof(HugeHeaders))]
    public void DecodeImage_HeaderClaimingHugeSize_RefusedWithoutAllocatingPixels(string name, byte[] image)
    {
        var (kind, allocated) = DecodeMeasuringAllocations(image);

        // Refused from the header alone: a decoder that started on the pixels would allocate megabytes.
        Assert.Equal(DrawingErrorKind.TooLarge, kind);
        Assert.True(allocated < 64 * 1024, $"{name}: {allocated} bytes allocated");
    }

    [Theory]
    [MemberData(nameof(ImpossibleHeaders))]
    public void DecodeImage_HeaderClaimingImpossibleSize_ThrowsUnreadableImageWithoutAllocatingPixels(string name, byte[] image)
    {
        var (kind, allocated) = DecodeMeasuringAllocations(image);

        Assert.Equal(DrawingErrorKind.UnreadableImage, kind);
        Assert.True(allocated < 64 * 1024, $"{name}: {allocated} bytes allocated");
    }

    [Fact]
    public void DecodeImage_OverMaxPixels_SaysTheLimit()
    {
        var exception = AssertRefused(DrawingErrorKind.TooLarge, PngWriter.Write(1449, 1449, PngColorType.Grey, []));

        Assert.Contains("2,097,152 pixels", exception.Error.Detail);
        Assert.Contains("1449x1449", exception.Error.Detail);
    }

    public static TheoryData<string, byte[]> PngDataOutgrowingTheHeader => new()
    {
        { "png 1x1 RGBA inflating to 16 MiB", PngWriter.WriteZeros(1, 1, 8, PngColorType.Rgba, 16 << 20) },
        { "png 28x28 grey, one byte past its scanlines", PngWriter.WriteZeros(28, 28, 8, PngColorType.Grey, 29 * 28 + 1) },
        { "png 100x60 16-bit RGBA Adam7 inflating to 4 MiB", PngWriter.WriteZeros(100, 60, 16, PngColorType.Rgba, 4 << 20, interlace: 1) },
    };

    [Theory]
    [MemberData(nameof(PngDataOutgrowingTheHeader))]
    public void DecodeImage_PngDataOutgrowingItsHeader_DecodesOnlyTheHeadersPixels(string name, byte[] image)
    {
        var (kind, allocated) = DecodeMeasuringAllocations(image);

        // libpng inflates row by row into a buffer of the header's size and stops at the last row: whatever the data
        // stands for, what is allocated stays that of a small picture, never the megabytes the data would expand to.
        Assert.True(kind is null, $"{name}: {kind}");
        Assert.True(allocated < 256 * 1024, $"{name}: {allocated} bytes allocated");
    }

    public static TheoryData<string, byte[]> DataCostingMoreThanItsPixels => new()
    {
        { "gif 1x1 whose codes go on for 8 million pixels", GifWriter.WriteRunaway(1, 1, cycles: 1) },
        { "gif 64x64 whose codes go on for 80 million pixels", GifWriter.WriteRunaway(64, 64, cycles: 10) },
        { "jpeg with 33 scans", JpegWriter.WriteProgressive(new TestCanvas(32, 24), refinementScans: 31) },
        { "jpeg with 2,002 scans", JpegWriter.WriteProgressive(new TestCanvas(32, 24), refinementScans: 2_000) },
    };

    [Theory]
    [MemberData(nameof(DataCostingMoreThanItsPixels))]
    public void DecodeImage_DataCostingMoreThanItsPixels_ThrowsUnreadableImage(string name, byte[] image)
    {
        // Skia's GIF decoder walks every LZW code and libjpeg-turbo every scan: refused before either sees them.
        var exception = Assert.Throws<DrawingException>(() => DrawingDecoder.DecodeImage(image));

        Assert.True(exception.Kind == DrawingErrorKind.UnreadableImage, $"{name}: {exception.Kind}: {exception.Error.Detail}");
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 5)]
    [InlineData(8, 8)]
    [InlineData(9, 17)]
    [InlineData(33, 2)]
    [InlineData(2, 33)]
    public void DecodeImage_PngDataOfItsScanlinesOrMore_DecodesTheSamePixels(int width, int height)
    {
        // Every bit depth and channel count, plain and Adam7; bytes past the IHDR's scanlines are never read.
        foreach (var (depth, colorType, bitsPerPixel) in new[] { (1, PngColorType.Grey, 1), (2, PngColorType.Grey, 2), (4, PngColorType.Grey, 4), (8, PngColorType.Grey, 8), (16, PngColorType.Grey, 16), (8, PngColorType.Rgb, 24), (16, PngColorType.GreyAlpha, 32), (16, PngColorType.Rgba, 64) })
        {
            foreach (var interlace in new byte[] { 0, 1 })
            {
                var exact = interlace == 0 ? Scanlines(width, height, bitsPerPixel) : AdamSevenScanlines(width, height, bitsPerPixel);
                var name = $"{width}x{height} {depth}-bit {colorType} interlace {interlace}: {exact} bytes";

                var image = DrawingDecoder.DecodeImage(PngWriter.WriteZeros((uint)width, (uint)height, (byte)depth, colorType, exact, interlace));
                var longer = DrawingDecoder.DecodeImage(PngWriter.WriteZeros((uint)width, (uint)height, (byte)depth, colorType, exact + 4096, interlace));

                Assert.True(image.Width == width && image.Height == height, name);
                Assert.True(image.GreyAlpha.AsSpan().SequenceEqual(longer.GreyAlpha), name);
            }
        }
    }

    [Fact]
    public void DecodeImage_JpegOfMaxScans_Decodes()
    {
        var canvas = new TestCanvas(24, 16, grey: 0).FillRect(8, 0, 8, 8, grey: 200);

        var image = DrawingDecoder.DecodeImage(JpegWriter.WriteProgressive(canvas, refinementScans: JpegScansAllowed - 2));

        Assert.InRange(image.GreyAlpha[(3 * 24 + 11) * 2], 198, 202);
    }

    private const int JpegScansAllowed = 32;

    private static long Scanlines(long width, long height, int bitsPerPixel) => height * (1 + (width * bitsPerPixel + 7) / 8);

    private static long AdamSevenScanlines(int width, int height, int bitsPerPixel)
    {
        (int X, int Y, int StepX, int StepY)[] passes = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)];
        long total = 0;
        foreach (var (x, y, stepX, stepY) in passes)
        {
            var columns = Enumerable.Range(0, width).Count(c => c % stepX == x);
            var rows = Enumerable.Range(0, height).Count(r => r % stepY == y);
            if (columns > 0 && rows > 0)
            {
                total += Scanlines(columns, rows, bitsPerPixel);
            }
        }
        return total;
    }

    private static (DrawingErrorKind? Kind, long Allocated) DecodeMeasuringAllocations(byte[] image)
    {
        DecodeOrRefuse(image); // warm up: JIT and statics
        var before = GC.GetAllocatedBytesForCurrentThread();
        var kind = DecodeOrRefuse(image);
        return (kind, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private static DrawingErrorKind? DecodeOrRefuse(byte[] image)
    {
        try
        {
            DrawingDecoder.DecodeImage(image);
            return null;
        }
        catch (DrawingException exception)
        {
            return exception.Kind;
        }
    }

    private static byte[] WithGifSize(byte[] gif, ushort width, ushort height)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(gif.AsSpan(6), width);
        BinaryPrimitives.WriteUInt16LittleEndian(gif.AsSpan(8), height);
        return gif;
    }

    private static DrawingException AssertRefused(DrawingErrorKind expected, byte[] image)
    {
        var exception = Assert.Throws<DrawingException>(() => DrawingDecoder.DecodeImage(image));
        Assert.Equal(expected, exception.Kind);
        Assert.False(string.IsNullOrWhiteSpace(exception.Error.Detail));
        return exception;
    }

    private static byte[] Encode(TestCanvas canvas, string encoding) => encoding switch
    {
        "png-rgba" => PngWriter.Write(canvas),
        "png-rgb" => PngWriter.Write(canvas, PngColorType.Rgb),
        "png-grey" => PngWriter.Write(canvas, PngColorType.Grey),
        "png-grey-alpha" => PngWriter.Write(canvas, PngColorType.GreyAlpha),
        "bmp-24" => BmpWriter.Write(canvas),
        "bmp-32" => BmpWriter.Write(canvas, bitsPerPixel: 32),
        "gif" => GifWriter.Write(canvas),
        "jpeg" => JpegWriter.Write(canvas),
        "jpeg-progressive" => JpegWriter.WriteProgressive(canvas, refinementScans: 2),
        _ => throw new ArgumentOutOfRangeException(nameof(encoding), encoding, null),
    };
}
