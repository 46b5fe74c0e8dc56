namespace Digit.Inference.Drawing;

/// <summary>The encodings accepted for a drawing.</summary>
public enum ImageFormat
{
    /// <summary>PNG, what the frontend sends.</summary>
    Png,

    /// <summary>JPEG, baseline or progressive Huffman.</summary>
    Jpeg,

    /// <summary>GIF87a or GIF89a; only the first frame is decoded.</summary>
    Gif,

    /// <summary>BMP with an OS/2 or Windows info header.</summary>
    Bmp,
}
