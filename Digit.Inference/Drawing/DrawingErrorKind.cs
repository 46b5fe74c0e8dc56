namespace Digit.Inference.Drawing;

/// <summary>
/// Everything that can be wrong with a <c>POST /api/drawing/</c> request before a prediction is made. One
/// vocabulary for the HTTP handler (the JSON kinds) and the decoder (the rest); <see cref="DrawingError"/>
/// maps each kind to its status and short message.
/// </summary>
public enum DrawingErrorKind
{
    /// <summary>The body is not JSON (or not a JSON object).</summary>
    NotJson,

    /// <summary>The JSON has no <c>drawing</c> member, or it is not a string.</summary>
    MissingDrawing,

    /// <summary>The payload is not base64, or a data URL that is not base64-encoded.</summary>
    BadBase64,

    /// <summary>The bytes are not PNG, JPEG, GIF or BMP.</summary>
    NotAnImage,

    /// <summary>A known format that ends before its own structure says it should.</summary>
    TruncatedImage,

    /// <summary>A known, complete format whose content cannot be decoded (corrupt, or a variant not supported).</summary>
    UnreadableImage,

    /// <summary>Zero bytes, or an image that claims zero width or height.</summary>
    EmptyImage,

    /// <summary>The payload is over the byte limit or the image over the dimension limit (413).</summary>
    TooLarge,

    /// <summary>A valid image with no ink on it.</summary>
    EmptyDrawing,
}
