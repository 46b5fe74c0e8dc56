using Digit.Inference.Models;

namespace Digit.Inference.Tests.Models;

public sealed class OnnxModelInfoTests
{
    private static readonly DateTimeOffset TrainedAt = new(2025, 6, 1, 8, 30, 0, TimeSpan.FromHours(-4));

    [Fact]
    public void ToMetadata_AllValues_WritesInvariantIsoUtcEntries()
    {
        var metadata = new OnnxModelInfo(0.1 + 0.2, 12, TrainedAt).ToMetadata();

        Assert.Equal("0.30000000000000004", metadata[OnnxModelInfo.TestAccuracyKey]);
        Assert.Equal("12", metadata[OnnxModelInfo.EpochsKey]);
        Assert.Equal("2025-06-01T12:30:00.0000000Z", metadata[OnnxModelInfo.TrainedAtKey]);
    }

    [Fact]
    public void FromMetadata_WrittenByToMetadata_RoundTripsExactly()
    {
        var info = new OnnxModelInfo(0.1 + 0.2, 12, TrainedAt.AddTicks(1));

        Assert.Equal(info, OnnxModelInfo.FromMetadata(info.ToMetadata()));
    }

    [Fact]
    public void FromMetadata_NoAccuracy_GivesNullAccuracy()
    {
        var info = new OnnxModelInfo(null, 0, TrainedAt);

        Assert.Null(OnnxModelInfo.FromMetadata(info.ToMetadata()).TestAccuracy);
    }

    [Theory]
    [InlineData(OnnxModelInfo.EpochsKey)]
    [InlineData(OnnxModelInfo.TrainedAtKey)]
    public void FromMetadata_RequiredEntryMissing_ThrowsNamingIt(string key)
    {
        var metadata = new Dictionary<string, string>(new OnnxModelInfo(0.5, 1, TrainedAt).ToMetadata());
        metadata.Remove(key);

        var error = Assert.Throws<InvalidDataException>(() => OnnxModelInfo.FromMetadata(metadata));

        Assert.Contains(key, error.Message);
    }

    [Theory]
    [InlineData(OnnxModelInfo.TestAccuracyKey, "0,98")]
    [InlineData(OnnxModelInfo.TestAccuracyKey, "98.5")]
    [InlineData(OnnxModelInfo.TestAccuracyKey, "NaN")]
    [InlineData(OnnxModelInfo.EpochsKey, "-1")]
    [InlineData(OnnxModelInfo.TrainedAtKey, "yesterday")]
    public void FromMetadata_MalformedEntry_ThrowsNamingIt(string key, string value)
    {
        var metadata = new Dictionary<string, string>(new OnnxModelInfo(0.5, 1, TrainedAt).ToMetadata()) { [key] = value };

        var error = Assert.Throws<InvalidDataException>(() => OnnxModelInfo.FromMetadata(metadata));

        Assert.Contains(key, error.Message);
    }

    [Theory]
    [InlineData(-0.01)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void Constructor_AccuracyOutsideZeroToOne_Throws(double accuracy)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new OnnxModelInfo(accuracy, 1, TrainedAt));
    }

    [Fact]
    public void Constructor_NegativeEpochs_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new OnnxModelInfo(0.5, -1, TrainedAt));
    }
}
