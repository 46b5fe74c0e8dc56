using System.Buffers;
using Microsoft.AspNetCore.Http;

namespace Digit.Backend.Api;

/// <summary>
/// A request body read whole into a buffer from the shared pool, so that a stream of large bodies leaves no garbage
/// behind (each would otherwise cost a megabyte or two of large-object heap). Dispose gives the buffer back.
/// </summary>
internal sealed class PooledBody : IDisposable
{
    private const int FirstBufferBytes = 16 * 1024;

    private byte[] _buffer;
    private int _length;

    private PooledBody(int capacity)
    {
        _buffer = ArrayPool<byte>.Shared.Rent(capacity);
    }

    public ReadOnlyMemory<byte> Memory => _buffer.AsMemory(0, _length);

    public int Length => _length;

    /// <summary>
    /// Reads the body; <paramref name="tooLarge"/> is thrown, with the bytes seen so far, once it is over
    /// <paramref name="limit"/>. Exceptions of the server's body reader pass through.
    /// </summary>
    public static async Task<PooledBody> ReadAsync(HttpRequest request, int limit, Func<long, Exception> tooLarge, CancellationToken cancellationToken)
    {
        // One byte over the limit is room enough to see that the body does not end there.
        var expected = request.ContentLength is { } length ? (int)Math.Min(length, limit) + 1 : FirstBufferBytes;
        var body = new PooledBody(expected);
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(body._buffer.AsMemory(body._length), cancellationToken)) > 0)
            {
                body._length += read;
                if (body._length > limit)
                {
                    throw tooLarge(body._length);
                }
                if (body._length == body._buffer.Length)
                {
                    body.Grow(limit + 1);
                }
            }
            return body;
        }
        catch
        {
            body.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        var buffer = Interlocked.Exchange(ref _buffer, []);
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void Grow(int most)
    {
        var larger = ArrayPool<byte>.Shared.Rent(Math.Min(most, _buffer.Length * 2));
        _buffer.AsSpan(0, _length).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = larger;
    }
}
