using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Digit.Inference.Models;

/// <summary>
/// What both model stores share: the names inside the store, the version-name format and the JSON of the
/// current pointer (<c>{"version":...,"accuracy":...,"publishedAt":...}</c>).
/// </summary>
internal static partial class ModelStoreLayout
{
    public const string VersionsFolder = "versions";
    public const string CheckpointsFolder = "checkpoints";
    public const string CurrentPointerName = "current.json";
    public const string ModelExtension = ".onnx";
    public const string CheckpointExtension = ".bin";
    public const string DescriptionExtension = ".json";

    // The counter keeps names of one millisecond apart; fixed width keeps them in publish order.
    private const int MaxCounter = 9999;

    private static readonly JsonSerializerOptions PointerJson = new(JsonSerializerDefaults.Web);

    /// <summary>The UTC timestamp part of a version name: <c>yyyyMMddTHHmmssfffZ</c>.</summary>
    public static string StampOf(DateTimeOffset publishedAt) =>
        publishedAt.UtcDateTime.ToString("yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture);

    /// <summary>A version name such as <c>20250301T101502117Z-0001</c>; names sort in publish order.</summary>
    public static string VersionName(string stamp, int counter)
    {
        if (counter is < 1 or > MaxCounter)
        {
            throw new IOException($"More than {MaxCounter} models were published in the millisecond {stamp}.");
        }

        return $"{stamp}-{counter.ToString("D4", CultureInfo.InvariantCulture)}";
    }

    /// <summary>The first counter not used yet among <paramref name="existingVersions"/> of the same stamp.</summary>
    public static int NextCounter(string stamp, IEnumerable<string> existingVersions)
    {
        var highest = 0;
        var prefix = stamp + "-";
        foreach (var version in existingVersions)
        {
            if (version.StartsWith(prefix, StringComparison.Ordinal)
                && int.TryParse(version.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var counter))
            {
                highest = Math.Max(highest, counter);
            }
        }

        return highest + 1;
    }

    /// <summary>
    /// Whether a version or run id can name a file or blob: letters, digits, '.', '_' and '-', starting with a
    /// letter or digit, at most 128 characters. Rules out path separators and "..".
    /// </summary>
    public static bool IsValidName(string? name) => name is not null && ValidName().IsMatch(name);

    public static void ThrowIfInvalidRunId(string runId)
    {
        ArgumentNullException.ThrowIfNull(runId);
        if (!IsValidName(runId))
        {
            throw new ArgumentException(
                $"Run id '{runId}' may only hold letters, digits, '.', '_' and '-' (at most 128, starting with a letter or digit).",
                nameof(runId));
        }
    }

    /// <summary>The record of a version just stored.</summary>
    public static ModelVersion Describe(string version, ModelDescription description, DateTimeOffset publishedAt) =>
        new(version, description.Accuracy, publishedAt)
        {
            Origin = description.Origin,
            Epochs = description.Epochs,
            Images = description.Images,
            TrainedAt = description.TrainedAt,
            DrawingsAccuracy = description.DrawingsAccuracy,
            CorrectionsAccuracy = description.CorrectionsAccuracy,
            Corrections = description.Corrections,
        };

    /// <summary>What is known of a version stored without a description: its name and the time in it.</summary>
    public static ModelVersion Undescribed(string version) =>
        new(version, null, DateTimeOffset.TryParseExact(version.Split('-')[0], "yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var stamp) ? stamp : DateTimeOffset.UnixEpoch);

    /// <summary>A stored description, or <see cref="Undescribed"/> when it is missing or unreadable.</summary>
    public static ModelVersion ParseDescription(string version, byte[]? json)
    {
        if (json is null)
        {
            return Undescribed(version);
        }
        try
        {
            return JsonSerializer.Deserialize<ModelVersion>(json, PointerJson) is { } described && described.Version == version
                ? described
                : Undescribed(version);
        }
        catch (JsonException)
        {
            return Undescribed(version);
        }
    }

    public static byte[] FormatPointer(ModelVersion current) => JsonSerializer.SerializeToUtf8Bytes(current, PointerJson);

    public static ModelVersion ParsePointer(ReadOnlySpan<byte> json)
    {
        ModelVersion? current;
        try
        {
            current = JsonSerializer.Deserialize<ModelVersion>(json, PointerJson);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{CurrentPointerName} is not a valid model pointer.", e);
        }

        if (current is null || !IsValidName(current.Version))
        {
            throw new InvalidDataException($"{CurrentPointerName} does not name a valid model version.");
        }

        return current;
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$", RegexOptions.CultureInvariant)]
    private static partial Regex ValidName();
}
