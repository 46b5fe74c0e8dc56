namespace Digit.Inference.Drawing;

/// <summary>A drawing was refused; <see cref="Error"/> says why, with the status to answer.</summary>
public sealed class DrawingException : Exception
{
    public DrawingException(DrawingError error, Exception? innerException = null)
        : base($"{error.Message}: {error.Detail}", innerException)
    {
        Error = error;
    }

    public DrawingException(DrawingErrorKind kind, string detail)
        : this(new DrawingError(kind, detail))
    {
    }

    public DrawingError Error { get; }

    public DrawingErrorKind Kind => Error.Kind;
}
