using System.Buffers.Binary;

namespace Digit.Inference.Drawing.Formats;

/// <summary>
/// JPEG layout: SOI (FF D8), then segments [FF marker][length:2 BE, counting itself][payload]; markers
/// 01 and D0–D7 stand alone and FF fill bytes may precede any marker. A frame header (SOFn: precision:1,
/// height:2 BE, width:2 BE, ...) comes before the first scan (SOS); entropy-coded data follows SOS, in
/// which a literal FF is written FF 00, and the file ends with EOI (FF D9).
/// </summary>
internal static class JpegStructure
{
    private const string Name = "JPEG";
    private const byte StartOfScan = 0xDA;
    private const byte EndOfImage = 0xD9;
    private const byte StartOfImage = 0xD8;

    private static ReadOnlySpan<byte> EndOfImageMarker => [0xFF, EndOfImage];

    public static ImageHeader ReadHeader(ReadOnlySpan<byte> data)
    {
        var position = 2;
        while (true)
        {
            var (marker, payload) = NextSegment(data, ref position, "before its frame header (SOF)");
            if (marker is StartOfScan or EndOfImage)
            {
                throw ImageHeaderReader.Unreadable(Name, "there is no frame header (SOF) before the image data");
            }
            if (!IsStartOfFrame(marker))
            {
                continue;
            }
            if (marker is not (0xC0 or 0xC1 or 0xC2))
            {
                throw ImageHeaderReader.Unreadable(
                    Name,
                    $"only baseline and progressive Huffman JPEGs are supported, this one is SOF{marker - 0xC0}");
            }
            if (payload < 0 || payload + 5 > data.Length)
            {
                throw ImageHeaderReader.Truncated(Name, "inside the frame header");
            }
            return new ImageHeader(
                ImageFormat.Jpeg,
                BinaryPrimitives.ReadUInt16BigEndian(data[(payload + 3)..]),
                BinaryPrimitives.ReadUInt16BigEndian(data[(payload + 1)..]));
        }
    }

    /// <summary>
    /// The segments up to the first scan must fit in the file, and an EOI must follow it (it cannot occur
    /// inside entropy-coded data). The decoder reads missing bytes as zeros and would return a partial
    /// picture, so a cut-off file is refused here.
    /// </summary>
    public static void EnsureComplete(ReadOnlySpan<byte> data)
    {
        var position = 2;
        while (true)
        {
            var (marker, _) = NextSegment(data, ref position, "before its first scan (SOS)");
            if (marker == EndOfImage)
            {
                throw ImageHeaderReader.Unreadable(Name, "the image ends (EOI) before any scan");
            }
            if (marker != StartOfScan)
            {
                continue;
            }
            if (position > data.Length || data[position..].IndexOf(EndOfImageMarker) < 0)
            {
                throw ImageHeaderReader.Truncated(Name, "the end-of-image marker (FF D9) is missing");
            }
            return;
        }
    }

    // Reads the marker at position (after fill bytes) and moves past its segment. Returns the marker and
    // the offset of its payload (after the length field), or -1 for a stand-alone marker.
    private static (byte Marker, int Payload) NextSegment(ReadOnlySpan<byte> data, ref int position, string where)
    {
        if (position >= data.Length)
        {
            throw ImageHeaderReader.Truncated(Name, where);
        }
        if (data[position] != 0xFF)
        {
            throw ImageHeaderReader.Unreadable(Name, $"a marker was expected at byte {position}");
        }
        while (position < data.Length && data[position] == 0xFF)
        {
            position++;
        }
        if (position >= data.Length)
        {
            throw ImageHeaderReader.Truncated(Name, where);
        }
        var marker = data[position++];
        if (marker == 0x00 || marker == StartOfImage)
        {
            throw ImageHeaderReader.Unreadable(Name, $"marker FF {marker:X2} at byte {position - 2} is out of place");
        }
        if (marker is 0x01 or (>= 0xD0 and <= 0xD7) or EndOfImage)
        {
            return (marker, -1);
        }
        if (position + 2 > data.Length)
        {
            throw ImageHeaderReader.Truncated(Name, where);
        }
        var length = BinaryPrimitives.ReadUInt16BigEndian(data[position..]);
        if (length < 2)
        {
            throw ImageHeaderReader.Unreadable(Name, $"the segment at byte {position - 2} has length {length}");
        }
        var payload = position + 2;
        position += length;
        return (marker, payload);
    }

    // SOF0–SOF15 except DHT (C4), JPG (C8) and DAC (CC).
    private static bool IsStartOfFrame(byte marker) =>
        marker is >= 0xC0 and <= 0xCF and not (0xC4 or 0xC8 or 0xCC);
}
