namespace Digit.Inference.Drawing;

/// <summary>A drawing was refused; <see cref="Error"/> says why, with the status to answer.</summary>
public sealed class DrawingException : Exception
{
    internal DrawingException(DrawingError error, Exception? innerException = null)
        : base($"{error.Message}: {error.Detail}", innerException)
    {
        Error = error;
    }

    /// <summary>A refusal of kind <paramref name="kind"/>; <paramref name="detail"/> says what exactly was wrong.</summary>
    public DrawingException(DrawingErrorKind kind, string detail)
        : this(new DrawingError(kind, detail))
    {
    }

    /// <summary>The refusal: its kind and detail, and from them the status and short message.</summary>
    public DrawingError Error { get; }

    /// <summary>The kind of refusal, <see cref="DrawingError.Kind"/> of <see cref="Error"/>.</summary>
    public DrawingErrorKind Kind => Error.Kind;
}
