using System.Globalization;

namespace Digit.Inference.Models;

/// <summary>
/// What an exported model says about itself, stored as ONNX <c>metadata_props</c>:
/// <c>test_accuracy</c> (a fraction 0..1, absent when unknown), <c>epochs</c>, <c>trained_at</c> (ISO 8601 UTC), <c>images</c>
/// and <c>drawings_accuracy</c> (a fraction 0..1 on the seeded synthetic canvas drawings, absent when unknown).
/// Read it back from ONNX Runtime with <see cref="FromMetadata"/> on <c>InferenceSession.ModelMetadata.CustomMetadataMap</c>.
/// </summary>
public sealed record OnnxModelInfo
{
    /// <summary>The metadata key of <see cref="TestAccuracy"/>.</summary>
    public const string TestAccuracyKey = "test_accuracy";

    /// <summary>The metadata key of <see cref="Epochs"/>.</summary>
    public const string EpochsKey = "epochs";

    /// <summary>The metadata key of <see cref="TrainedAt"/>.</summary>
    public const string TrainedAtKey = "trained_at";

    /// <summary>The metadata key of <see cref="Images"/>.</summary>
    public const string ImagesKey = "images";

    /// <summary>The metadata key of <see cref="DrawingsAccuracy"/>.</summary>
    public const string DrawingsAccuracyKey = "drawings_accuracy";

    /// <summary>What a model says about itself; <paramref name="images"/> is the training images per epoch, when known.</summary>
    public OnnxModelInfo(double? testAccuracy, int epochs, DateTimeOffset trainedAt, int? images = null)
    {
        if (testAccuracy is { } accuracy && !(accuracy >= 0 && accuracy <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(testAccuracy), accuracy, "The test accuracy is a fraction between 0 and 1.");
        }
        ArgumentOutOfRangeException.ThrowIfNegative(epochs);
        TestAccuracy = testAccuracy;
        Epochs = epochs;
        TrainedAt = trainedAt;
        Images = images;
    }

    /// <summary>Fraction of the seeded synthetic canvas drawings classified correctly, or null when it was not measured.</summary>
    public double? DrawingsAccuracy { get; init; }

    /// <summary>Training images per epoch, or null when not recorded.</summary>
    public int? Images { get; }

    /// <summary>Fraction of the test set classified correctly, or null when it was not measured.</summary>
    public double? TestAccuracy { get; }

    /// <summary>Epochs the model was trained for; 0 or more.</summary>
    public int Epochs { get; }

    /// <summary>When the model was trained (in practice, when it was exported); the metadata holds it in UTC.</summary>
    public DateTimeOffset TrainedAt { get; }

    /// <summary>The metadata entries, formatted with the invariant culture so they round-trip exactly.</summary>
    public IReadOnlyDictionary<string, string> ToMetadata()
    {
        var metadata = new Dictionary<string, string>
        {
            [EpochsKey] = Epochs.ToString(CultureInfo.InvariantCulture),
            [TrainedAtKey] = TrainedAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
        };
        if (TestAccuracy is { } accuracy)
        {
            metadata[TestAccuracyKey] = accuracy.ToString("R", CultureInfo.InvariantCulture);
        }
        if (Images is { } images)
        {
            metadata[ImagesKey] = images.ToString(CultureInfo.InvariantCulture);
        }
        if (DrawingsAccuracy is { } drawings)
        {
            metadata[DrawingsAccuracyKey] = drawings.ToString("R", CultureInfo.InvariantCulture);
        }
        return metadata;
    }

    /// <summary>Reads the entries written by <see cref="ToMetadata"/>; a missing or malformed entry is an <see cref="InvalidDataException"/> naming it.</summary>
    public static OnnxModelInfo FromMetadata(IReadOnlyDictionary<string, string> metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        double? accuracy = metadata.TryGetValue(TestAccuracyKey, out var accuracyText)
            ? Parse(TestAccuracyKey, accuracyText, text => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture))
            : null;
        var epochs = Parse(EpochsKey, Required(metadata, EpochsKey), text => int.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture));
        var trainedAt = Parse(TrainedAtKey, Required(metadata, TrainedAtKey),
            text => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal));
        int? images = metadata.TryGetValue(ImagesKey, out var imagesText)
            ? Parse(ImagesKey, imagesText, text => int.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture))
            : null;
        double? drawings = metadata.TryGetValue(DrawingsAccuracyKey, out var drawingsText)
            ? Parse(DrawingsAccuracyKey, drawingsText, text => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture))
            : null;
        if (drawings is { } fraction && !(fraction >= 0 && fraction <= 1))
        {
            throw new InvalidDataException($"The model's metadata entry {DrawingsAccuracyKey} is \"{drawingsText}\"; it must be a fraction between 0 and 1.");
        }
        try
        {
            return new OnnxModelInfo(accuracy, epochs, trainedAt, images) { DrawingsAccuracy = drawings };
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new InvalidDataException($"The model's metadata entry {TestAccuracyKey} is \"{accuracyText}\"; it must be a fraction between 0 and 1.", e);
        }
    }

    private static string Required(IReadOnlyDictionary<string, string> metadata, string key) =>
        metadata.TryGetValue(key, out var value)
            ? value
            : throw new InvalidDataException($"The model has no metadata entry {key}; it was not exported by Digit's ONNX exporter.");

    private static T Parse<T>(string key, string text, Func<string, T> parse)
    {
        try
        {
            return parse(text);
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            throw new InvalidDataException($"The model's metadata entry {key} is \"{text}\", which cannot be read.", e);
        }
    }
}
