using System.Net.Sockets;
using System.Text;

namespace Digit.LocalServer.Tests.Support;

/// <summary>
/// HTTP/1.1 over a plain socket, for requests HttpClient will not send: broken chunk sizes, bodies shorter than
/// their Content-Length, bodies that stall.
/// </summary>
internal sealed class RawHttp : IAsyncDisposable
{
    private readonly TcpClient _client = new();
    private NetworkStream _stream = null!;

    private RawHttp()
    {
    }

    /// <summary>A connection to <paramref name="server"/> (host and port of its base address).</summary>
    public static async Task<RawHttp> ConnectAsync(Uri server)
    {
        var connection = new RawHttp();
        await connection._client.ConnectAsync(server.Host, server.Port);
        connection._stream = connection._client.GetStream();
        return connection;
    }

    /// <summary>The head of a POST to <paramref name="path"/>, ending with the blank line; <paramref name="headers"/> each without CRLF.</summary>
    public static string Head(string path, params string[] headers) =>
        $"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nConnection: close\r\n{string.Concat(headers.Select(h => h + "\r\n"))}\r\n";

    public async Task SendAsync(string text) => await SendAsync(Encoding.ASCII.GetBytes(text));

    public async Task SendAsync(byte[] bytes)
    {
        await _stream.WriteAsync(bytes);
        await _stream.FlushAsync();
    }

    /// <summary>Tells the server nothing more will come (a TCP half-close).</summary>
    public void EndSending() => _client.Client.Shutdown(SocketShutdown.Send);

    /// <summary>Everything the server sends until it closes the connection, within <paramref name="timeout"/>.</summary>
    public async Task<RawResponse> ReadResponseAsync(TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        using var received = new MemoryStream();
        var buffer = new byte[4096];
        try
        {
            int read;
            while ((read = await _stream.ReadAsync(buffer, cancellation.Token)) > 0)
            {
                received.Write(buffer, 0, read);
            }
        }
        catch (IOException)
        {
            // A reset after the response (the server closing a connection with unread request bytes) ends it too.
        }
        return RawResponse.Parse(Encoding.UTF8.GetString(received.ToArray()));
    }

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>A response read off a socket: status, headers (names lower-case) and body.</summary>
internal sealed record RawResponse(int Status, IReadOnlyDictionary<string, string> Headers, string Body, string Text)
{
    public static RawResponse Parse(string text)
    {
        var headEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (!text.StartsWith("HTTP/1.1 ", StringComparison.Ordinal) || headEnd < 0)
        {
            return new RawResponse(0, new Dictionary<string, string>(), "", text);
        }
        var lines = text[..headEnd].Split("\r\n");
        var headers = lines.Skip(1)
            .Select(line => line.Split(':', 2))
            .GroupBy(pair => pair[0].Trim().ToLowerInvariant())
            .ToDictionary(group => group.Key, group => group.Last()[1].Trim());
        var body = text[(headEnd + 4)..];
        if (headers.TryGetValue("transfer-encoding", out var encoding) && encoding == "chunked")
        {
            body = Dechunk(body);
        }
        return new RawResponse(int.Parse(lines[0].Split(' ')[1]), headers, body, text);
    }

    private static string Dechunk(string body)
    {
        var result = new StringBuilder();
        var position = 0;
        while (position < body.Length)
        {
            var lineEnd = body.IndexOf("\r\n", position, StringComparison.Ordinal);
            if (lineEnd < 0)
            {
                break;
            }
            var size = Convert.ToInt32(body[position..lineEnd], 16);
            if (size == 0)
            {
                break;
            }
            result.Append(body, lineEnd + 2, Math.Min(size, body.Length - lineEnd - 2));
            position = lineEnd + 2 + size + 2;
        }
        return result.ToString();
    }
}
