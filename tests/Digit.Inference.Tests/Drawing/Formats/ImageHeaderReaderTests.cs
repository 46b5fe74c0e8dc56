using Digit.Inference.Drawing;
using Digit.Inference.Drawing.Formats;
using Digit.Testing;

namespace Digit.Inference.Tests.Drawing.Formats;

public sealed class ImageHeaderReaderTests
{
    private static readonly TestCanvas Canvas = new(30, 20);

    [Fact]
    public void Read_EachFormat_ReturnsFormatAndSize()
    {
        Assert.Equal(new ImageHeader(ImageFormat.Png, 30, 20), ImageHeaderReader.Read(PngWriter.Write(Canvas)));
        Assert.Equal(new ImageHeader(ImageFormat.Jpeg, 30, 20), ImageHeaderReader.Read(JpegWriter.Write(Canvas)));
        Assert.Equal(new ImageHeader(ImageFormat.Gif, 30, 20), ImageHeaderReader.Read(GifWriter.Write(Canvas)));
        Assert.Equal(new ImageHeader(ImageFormat.Bmp, 30, 20), ImageHeaderReader.Read(BmpWriter.Write(Canvas)));
    }

    [Fact]
    public void Read_BmpTopDown_ReturnsPositiveHeight()
    {
        var header = ImageHeaderReader.Read(BmpWriter.BmpHeader(30, -20, 24, 54));

        Assert.Equal(20, header.Height);
    }

    [Fact]
    public void Read_JpegWithFillBytesAndStandAloneMarkers_FindsFrameHeader()
    {
        var jpeg = JpegWriter.Write(Canvas);
        // SOI, then fill bytes, a TEM marker and a restart marker before the segments.
        byte[] padded = [0xFF, 0xD8, 0xFF, 0xFF, 0x01, 0xFF, 0xD0, .. jpeg[2..]];

        Assert.Equal(new ImageHeader(ImageFormat.Jpeg, 30, 20), ImageHeaderReader.Read(padded));
    }

    [Fact]
    public void Read_JpegWithScanBeforeFrame_ThrowsUnreadable()
    {
        byte[] jpeg = [0xFF, 0xD8, 0xFF, 0xDA, 0x00, 0x02, 0xFF, 0xD9];

        var exception = Assert.Throws<DrawingException>(() => ImageHeaderReader.Read(jpeg));

        Assert.Equal(DrawingErrorKind.UnreadableImage, exception.Kind);
    }

    [Fact]
    public void Read_PngWhoseFirstChunkIsNotIhdr_ThrowsUnreadable()
    {
        var png = PngWriter.Write(Canvas);
        "IDAT"u8.CopyTo(png.AsSpan(12));

        var exception = Assert.Throws<DrawingException>(() => ImageHeaderReader.Read(png));

        Assert.Equal(DrawingErrorKind.UnreadableImage, exception.Kind);
    }

    [Fact]
    public void Read_BmpWithUnknownInfoHeader_ThrowsUnreadable()
    {
        var bmp = BmpWriter.Write(Canvas);
        bmp[14] = 64;

        var exception = Assert.Throws<DrawingException>(() => ImageHeaderReader.Read(bmp));

        Assert.Equal(DrawingErrorKind.UnreadableImage, exception.Kind);
    }

    [Theory]
    [InlineData(new byte[] { 0x89, (byte)'P', (byte)'N' })]
    [InlineData(new byte[] { 0xFF, 0xD8 })]
    [InlineData(new byte[] { (byte)'G', (byte)'I', (byte)'F', (byte)'8' })]
    [InlineData(new byte[] { (byte)'B', (byte)'M' })]
    public void Read_SignaturePrefix_ThrowsTruncated(byte[] data)
    {
        var exception = Assert.Throws<DrawingException>(() => ImageHeaderReader.Read(data));

        Assert.Equal(DrawingErrorKind.TruncatedImage, exception.Kind);
    }

    [Fact]
    public void EnsureComplete_PngWithDataAfterIend_Accepts()
    {
        byte[] png = [.. PngWriter.Write(Canvas), 1, 2, 3];

        ImageHeaderReader.EnsureComplete(ImageFormat.Png, png);
    }

    [Fact]
    public void EnsureComplete_PngChunkLongerThanFile_ThrowsTruncated()
    {
        var png = PngWriter.Write(Canvas);
        var idat = png.AsSpan().IndexOf("IDAT"u8) - 4;
        png[idat] = 0x7F; // length 2 GiB and more

        var exception = Assert.Throws<DrawingException>(() => ImageHeaderReader.EnsureComplete(ImageFormat.Png, png));

        Assert.Equal(DrawingErrorKind.TruncatedImage, exception.Kind);
        Assert.Contains("IDAT", exception.Error.Detail);
    }
}
