using System.Net;

namespace Digit.Inference.Drawing;

/// <summary>
/// One refused drawing: its kind, and a detail sentence that says what exactly was wrong. The status and the
/// short <see cref="Message"/> (the contract's <c>error</c> member, also the ProblemDetails <c>title</c>)
/// follow from the kind, so every refusal of one kind looks the same to clients.
/// </summary>
public sealed record DrawingError(DrawingErrorKind Kind, string Detail)
{
    /// <summary>The HTTP status to answer with: 413 for <see cref="DrawingErrorKind.TooLarge"/>, 400 for every other kind.</summary>
    public int Status => StatusOf(Kind);

    /// <summary>The kind's short message, e.g. "Bad base64"; clients read it as <c>error</c> and as the ProblemDetails <c>title</c>.</summary>
    public string Message => MessageOf(Kind);

    internal static int StatusOf(DrawingErrorKind kind) => kind switch
    {
        DrawingErrorKind.TooLarge => (int)HttpStatusCode.RequestEntityTooLarge,
        // EmptyDrawing is a 400 rather than a 422: the contract lists 400, 413 and 503 as the outcomes of
        // this route and says nothing else is changed for clients already in use; the `error` text tells a
        // blank canvas apart from a broken upload.
        _ => (int)HttpStatusCode.BadRequest,
    };

    internal static string MessageOf(DrawingErrorKind kind) => kind switch
    {
        DrawingErrorKind.NotJson => "Body is not JSON",
        DrawingErrorKind.MissingDrawing => "Missing drawing",
        DrawingErrorKind.BadBase64 => "Bad base64",
        DrawingErrorKind.NotAnImage => "Not an image",
        DrawingErrorKind.TruncatedImage => "Truncated image",
        DrawingErrorKind.UnreadableImage => "Unreadable image",
        DrawingErrorKind.EmptyImage => "Empty image",
        DrawingErrorKind.TooLarge => "Image too large",
        DrawingErrorKind.EmptyDrawing => "Empty drawing",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}
