using System.Net.Sockets;
using System.Text;
using StackExchange.Redis;

namespace Digit.Testing;

/// <summary>
/// A real <c>redis-server</c> on a free 127.0.0.1 port, started once for the test run (no persistence) and
/// killed at the end. Tests share it and keep apart by using <see cref="NewKeyPrefix"/>.
/// </summary>
public sealed class RedisServerFixture : IAsyncLifetime
{
    private const string Program = "redis-server";

    private ServerProcess? _server;
    private ConnectionMultiplexer? _connection;

    public int Port { get; private set; }

    public string Configuration => $"127.0.0.1:{Port}";

    /// <summary>A connection shared by the tests.</summary>
    public IConnectionMultiplexer Connection =>
        _connection ?? throw new InvalidOperationException("The Redis fixture is not initialised.");

    /// <summary>A key prefix no other test uses.</summary>
    public static string NewKeyPrefix() => $"test:{Guid.NewGuid():N}:";

    /// <summary>A new, separate connection (the caller disposes it).</summary>
    public Task<ConnectionMultiplexer> ConnectAsync() => ConnectionMultiplexer.ConnectAsync(Configuration);

    public async Task InitializeAsync()
    {
        var program = ServerProcess.FindOnPath(Program) ?? throw new InvalidOperationException(
            $"{Program} is not on PATH; the Redis store tests need it. Install it with: apt-get install -y redis-server");

        Port = ServerProcess.FindFreePort();
        _server = ServerProcess.Start(program, ["--port", Port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]);
        await _server.WaitUntilReadyAsync(AnswersPingAsync, TimeSpan.FromSeconds(20));
        _connection = await ConnectAsync();
    }

    public async Task DisposeAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }

        _server?.Dispose();
    }

    private async Task<bool> AnswersPingAsync()
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", Port);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray());
            var buffer = new byte[64];
            var read = await stream.ReadAsync(buffer);
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (SocketException)
        {
            return false;
        }
    }
}

