using Digit.Inference.Drawing;

namespace Digit.Inference.Tests.Drawing;

public sealed class DrawingPayloadTests
{
    private static readonly byte[] Bytes = [0x89, 0x50, 0x4E, 0x47, 1, 2, 3, 250];

    [Fact]
    public void ToBytes_DataUrl_ReturnsPayload()
    {
        Assert.Equal(Bytes, DrawingPayload.ToBytes("data:image/png;base64," + Convert.ToBase64String(Bytes)));
    }

    [Fact]
    public void ToBytes_BareBase64_ReturnsPayload()
    {
        Assert.Equal(Bytes, DrawingPayload.ToBytes(Convert.ToBase64String(Bytes)));
    }

    [Theory]
    [InlineData("DATA:image/jpeg;BASE64,")]
    [InlineData("data:image/png;name=a.png;base64,")]
    [InlineData("data:application/octet-stream;base64,")]
    public void ToBytes_DataUrlVariants_ReturnPayload(string prefix)
    {
        Assert.Equal(Bytes, DrawingPayload.ToBytes(prefix + Convert.ToBase64String(Bytes)));
    }

    [Fact]
    public void ToBytes_LineBreaksAndSurroundingSpace_AreIgnored()
    {
        var base64 = Convert.ToBase64String(Bytes);

        Assert.Equal(Bytes, DrawingPayload.ToBytes($"  {base64[..4]}\r\n{base64[4..]}\n"));
    }

    [Theory]
    [InlineData("not base64!")]
    [InlineData("iVBORw0KGgo")] // not padded to a multiple of 4
    [InlineData("iVBO-w0K_go=")] // URL-safe alphabet
    [InlineData("data:image/png,iVBORw0KGgo=")] // a data URL without ;base64
    [InlineData("data:image/png;base64")] // no comma
    public void ToBytes_NotBase64_ThrowsBadBase64(string drawing)
    {
        var exception = Assert.Throws<DrawingException>(() => DrawingPayload.ToBytes(drawing));

        Assert.Equal(DrawingErrorKind.BadBase64, exception.Kind);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("data:image/png;base64,")]
    public void ToBytes_NoData_ThrowsEmptyImage(string drawing)
    {
        var exception = Assert.Throws<DrawingException>(() => DrawingPayload.ToBytes(drawing));

        Assert.Equal(DrawingErrorKind.EmptyImage, exception.Kind);
    }

    [Fact]
    public void ToBytes_OneByteOverOneMebibyte_ThrowsTooLarge()
    {
        var drawing = Convert.ToBase64String(new byte[DrawingPayload.MaxImageBytes + 1]);

        var exception = Assert.Throws<DrawingException>(() => DrawingPayload.ToBytes(drawing));

        Assert.Equal(DrawingErrorKind.TooLarge, exception.Kind);
        Assert.Equal(413, exception.Error.Status);
    }

    [Fact]
    public void ToBytes_ExactlyOneMebibyte_IsAccepted()
    {
        var drawing = Convert.ToBase64String(new byte[DrawingPayload.MaxImageBytes]);

        Assert.Equal(DrawingPayload.MaxImageBytes, DrawingPayload.ToBytes(drawing).Length);
    }

    [Fact]
    public void ToBytes_HugePayload_RefusedWithoutDecoding()
    {
        var drawing = "data:image/png;base64," + new string('A', 8 * DrawingPayload.MaxImageBytes);
        DrawingPayload.ToBytes("AAAA"); // warm up

        var before = GC.GetAllocatedBytesForCurrentThread();
        var exception = Assert.Throws<DrawingException>(() => DrawingPayload.ToBytes(drawing));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(DrawingErrorKind.TooLarge, exception.Kind);
        Assert.True(allocated < 64 * 1024, $"{allocated} bytes allocated");
    }
}
