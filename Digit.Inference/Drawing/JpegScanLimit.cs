namespace Digit.Inference.Drawing;

/// <summary>
/// A JPEG may hold at most <see cref="MaxScans"/> scans. libjpeg-turbo goes over every block of a scan's components
/// for each scan, so a file of many scans costs time in proportion to its scans times its pixels (a 1 MiB request can
/// carry about 190 scans of 2 megapixels, over a second of CPU: <c>DigitBench bombs</c>, jpeg-scans). Encoders write
/// one scan a component (baseline), or up to 18 (libjpeg's progressive scripts: 6 for grey, 10 for YCbCr, 18 for CMYK).
/// </summary>
internal static class JpegScanLimit
{
    /// <summary>The most scans accepted.</summary>
    public const int MaxScans = 32;

    private static ReadOnlySpan<byte> StartOfScan => [0xFF, 0xDA];

    /// <summary>
    /// Throws <see cref="DrawingErrorKind.UnreadableImage"/> for more than <see cref="MaxScans"/> scans. Every FF DA
    /// in the file is counted: the decoder can start a scan at no other place (inside entropy-coded data FF is
    /// always followed by 00 or a marker), so this can only count too many, and only inside a segment's payload,
    /// such as an Exif thumbnail.
    /// </summary>
    public static void Ensure(ReadOnlySpan<byte> jpeg)
    {
        var rest = jpeg;
        var scans = 0;
        int next;
        while ((next = rest.IndexOf(StartOfScan)) >= 0)
        {
            if (++scans > MaxScans)
            {
                throw new DrawingException(DrawingErrorKind.UnreadableImage, $"The JPEG cannot be read: it has more than {MaxScans} scans.");
            }
            rest = rest[(next + 2)..];
        }
    }
}
