namespace Digit.Backend.Api;

/// <summary>
/// The server refused the request body while it was read (broken chunking, cut short, too slow, too large):
/// the client's fault, answered with <see cref="Status"/>, the status the server chose for it.
/// </summary>
internal sealed class UnreadableBodyException(int status, string reason, Exception innerException)
    : Exception(reason, innerException)
{
    public int Status { get; } = status;
}
