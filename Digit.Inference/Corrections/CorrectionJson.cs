using System.Text.Json;

namespace Digit.Inference.Corrections;

/// <summary>
/// A correction as both stores write it: JSON with camelCase names, the pixels as base64. One format, so a
/// correction reads the same whether it came from a file or a blob.
/// </summary>
internal static class CorrectionJson
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public static byte[] Format(Correction correction) => JsonSerializer.SerializeToUtf8Bytes(correction, Options);

    /// <summary>The correction in <paramref name="json"/>, or null when it is not one (a file cut short by a crash, edited by hand).</summary>
    public static Correction? Parse(ReadOnlySpan<byte> json)
    {
        try
        {
            return JsonSerializer.Deserialize<Correction>(json, Options) is { } correction && IsWhole(correction) ? correction : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Whether <paramref name="correction"/> has a valid id, a full image and a digit label.</summary>
    public static bool IsWhole(Correction correction) =>
        CorrectionIds.IsValid(correction.Id) && correction.Pixels is { Length: CorrectionIds.PixelCount } && correction.Label is >= 0 and <= 9;
}
