namespace Digit.Inference.Drawing.Formats;

/// <summary>The encodings accepted for a drawing.</summary>
public enum ImageFormat
{
    Png,
    Jpeg,
    Gif,
    Bmp,
}
