using System.Security.Cryptography;
using Digit.Inference.Corrections;

namespace Digit.Inference.Tests.Corrections;

public sealed class CorrectionIdsTests
{
    [Fact]
    public void For_Pixels_IsLowercaseHexOfTheFirstHalfOfTheirSha256()
    {
        var pixels = new byte[784];
        pixels[300] = 255;

        var id = CorrectionIds.For(pixels);

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(pixels))[..32], id);
        Assert.True(CorrectionIds.IsValid(id));
    }

    [Fact]
    public void For_OnePixelDifferent_IsAnotherId()
    {
        var pixels = new byte[784];
        var other = new byte[784];
        other[0] = 1;

        Assert.NotEqual(CorrectionIds.For(pixels), CorrectionIds.For(other));
    }

    [Fact]
    public void For_NotTwentyEightByTwentyEight_Throws()
    {
        Assert.Throws<ArgumentException>(() => CorrectionIds.For(new byte[783]));
    }

    [Fact]
    public void IsHeldOut_ManyIds_AboutOneInFiveFollowingTheFirstByte()
    {
        var random = new Random(5);
        var ids = Enumerable.Range(0, 5000).Select(_ =>
        {
            var pixels = new byte[784];
            random.NextBytes(pixels);
            return CorrectionIds.For(pixels);
        }).ToArray();

        var heldOut = ids.Count(CorrectionIds.IsHeldOut);

        Assert.InRange(heldOut, 900, 1100);
        Assert.All(ids, id => Assert.Equal(Convert.ToByte(id[..2], 16) % 5 == 0, CorrectionIds.IsHeldOut(id)));
    }

    [Theory]
    [InlineData("00000000000000000000000000000000", true)]
    [InlineData("05ffffffffffffffffffffffffffffff", true)]
    [InlineData("01000000000000000000000000000000", false)]
    [InlineData("ff000000000000000000000000000000", true)]
    public void IsHeldOut_FirstByteModuloFive(string id, bool heldOut)
    {
        Assert.Equal(heldOut, CorrectionIds.IsHeldOut(id));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("0123456789abcdef0123456789abcde")]
    [InlineData("0123456789abcdef0123456789abcdef0")]
    [InlineData("0123456789ABCDEF0123456789ABCDEF")]
    [InlineData("0123456789abcdeg0123456789abcdef")]
    public void IsValid_NotThirtyTwoLowercaseHex_IsFalse(string? id)
    {
        Assert.False(CorrectionIds.IsValid(id));
    }

    [Fact]
    public void ToPixels_Floats_AreRoundedTimes255AndClamped()
    {
        var image = new float[784];
        image[0] = 1f;
        image[1] = 0.5f;
        image[2] = 0.001f;
        image[3] = 1.2f;
        image[4] = -0.3f;
        image[5] = float.NaN;

        var pixels = CorrectionIds.ToPixels(image);

        Assert.Equal(new byte[] { 255, 128, 0, 255, 0, 0 }, pixels[..6]);
    }

    [Fact]
    public void Create_Pixels_FillsIdAndHeldOutFromThem()
    {
        var pixels = new byte[784];
        pixels[42] = 200;

        var correction = CorrectionIds.Create(pixels, 3, DateTimeOffset.UnixEpoch, "v1", 8);

        Assert.Equal(CorrectionIds.For(pixels), correction.Id);
        Assert.Equal(CorrectionIds.IsHeldOut(correction.Id), correction.HeldOut);
        Assert.Equal((3, "v1", 8), (correction.Label, correction.ModelVersion, correction.Predicted));
    }
}
