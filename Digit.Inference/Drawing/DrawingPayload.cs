using System.Buffers.Text;

namespace Digit.Inference.Drawing;

/// <summary>
/// Turns the <c>drawing</c> string into image bytes: a data URL (<c>data:image/png;base64,...</c>, any media
/// type, since the bytes are sniffed later) or bare base64. The decoded size is known and checked against
/// <see cref="MaxImageBytes"/> before anything is allocated for it.
/// </summary>
public static class DrawingPayload
{
    /// <summary>The largest image accepted, in decoded bytes (1 MiB).</summary>
    public const int MaxImageBytes = 1 << 20;

    // Base64 of MaxImageBytes is 4/3 as long; the slack allows line breaks every 76 characters and
    // other whitespace, which base64 decoders skip. Anything longer is refused without reading it.
    private const int MaxPayloadChars = MaxImageBytes / 3 * 4 * 11 / 10;

    private const string DataScheme = "data:";
    private const string Base64Marker = ";base64";

    internal static byte[] ToBytes(string drawing)
    {
        ArgumentNullException.ThrowIfNull(drawing);
        var payload = StripDataUrl(drawing.AsSpan().Trim());
        if (payload.IsEmpty)
        {
            throw new DrawingException(DrawingErrorKind.EmptyImage, "The drawing holds no image data.");
        }
        if (payload.Length > MaxPayloadChars)
        {
            throw TooLarge(payload.Length / 4L * 3);
        }
        if (!Base64.IsValid(payload, out var decodedLength))
        {
            throw new DrawingException(
                DrawingErrorKind.BadBase64,
                "The drawing is not valid base64 (standard alphabet, padded to a multiple of 4).");
        }
        if (decodedLength > MaxImageBytes)
        {
            throw TooLarge(decodedLength);
        }
        if (decodedLength == 0)
        {
            throw new DrawingException(DrawingErrorKind.EmptyImage, "The drawing holds no image data.");
        }
        var bytes = new byte[decodedLength];
        if (!Convert.TryFromBase64Chars(payload, bytes, out var written) || written != decodedLength)
        {
            // Base64.IsValid accepted it, so this is not expected; refuse rather than pass on a partial buffer.
            throw new DrawingException(DrawingErrorKind.BadBase64, "The drawing could not be decoded from base64.");
        }
        return bytes;
    }

    private static ReadOnlySpan<char> StripDataUrl(ReadOnlySpan<char> drawing)
    {
        if (!drawing.StartsWith(DataScheme, StringComparison.OrdinalIgnoreCase))
        {
            return drawing;
        }
        var comma = drawing.IndexOf(',');
        if (comma < 0)
        {
            throw new DrawingException(DrawingErrorKind.BadBase64, "The data URL has no ',' before its data.");
        }
        var mediaType = drawing[DataScheme.Length..comma];
        if (!mediaType.TrimEnd().EndsWith(Base64Marker, StringComparison.OrdinalIgnoreCase))
        {
            throw new DrawingException(
                DrawingErrorKind.BadBase64,
                "The data URL is not base64-encoded; expected 'data:image/png;base64,...'.");
        }
        return drawing[(comma + 1)..];
    }

    private static DrawingException TooLarge(long decodedBytes) => new(
        DrawingErrorKind.TooLarge,
        $"The image would be {decodedBytes} bytes; at most {MaxImageBytes} bytes (1 MiB) are accepted.");
}
