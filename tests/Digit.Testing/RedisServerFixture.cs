using System.Net.Sockets;
using System.Text;
using StackExchange.Redis;

namespace Digit.Testing;

/// <summary>
/// A real <c>redis-server</c> on a free 127.0.0.1 port, started once for the test run and killed at the end.
/// Tests share it and keep apart by using <see cref="NewKeyPrefix"/>. Outage tests start their own, which they
/// can kill (as a crash would) and start again on the same port, with or without what it held.
/// </summary>
public sealed class RedisServerFixture : IAsyncLifetime
{
    private const string Program = "redis-server";

    private readonly string _dataFolder = Path.Combine(Path.GetTempPath(), $"digit-redis-{Guid.NewGuid():N}");
    private ServerProcess? _server;
    private ConnectionMultiplexer? _connection;

    /// <summary>Whether writes survive a kill: an append-only file synced on every write (outage tests).</summary>
    public bool Persistent { get; init; }

    public int Port { get; private set; }

    public string Configuration => $"127.0.0.1:{Port}";

    /// <summary>A connection shared by the tests.</summary>
    public IConnectionMultiplexer Connection =>
        _connection ?? throw new InvalidOperationException("The Redis fixture is not initialised.");

    /// <summary>A key prefix no other test uses.</summary>
    public static string NewKeyPrefix() => $"test:{Guid.NewGuid():N}:";

    /// <summary>A new, separate connection (the caller disposes it).</summary>
    public Task<ConnectionMultiplexer> ConnectAsync() => ConnectionMultiplexer.ConnectAsync(Configuration + ",abortConnect=false");

    public async Task InitializeAsync()
    {
        Port = ServerProcess.FindFreePort();
        Directory.CreateDirectory(_dataFolder);
        await StartServerAsync();
        _connection = await ConnectAsync();
    }

    /// <summary>Kills the server at once, as a crash or a network cut would look to its clients.</summary>
    public void Kill() => _server?.Kill();

    /// <summary>Starts the server again on the same port: with what it held when <see cref="Persistent"/>, else empty.</summary>
    public Task RestartAsync()
    {
        _server?.Dispose();
        return StartServerAsync();
    }

    public async Task DisposeAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }
        _server?.Dispose();
        try
        {
            Directory.Delete(_dataFolder, recursive: true);
        }
        catch (IOException)
        {
            // Temporary data only.
        }
    }

    private async Task StartServerAsync()
    {
        var program = ServerProcess.FindOnPath(Program) ?? throw new InvalidOperationException(
            $"{Program} is not on PATH; the Redis tests need it. Install it with: apt-get install -y redis-server");
        string[] persistence = Persistent
            ? ["--appendonly", "yes", "--appendfsync", "always", "--dir", _dataFolder]
            : ["--appendonly", "no", "--dir", _dataFolder];
        _server = ServerProcess.Start(program, ["--port", Port.ToString(), "--bind", "127.0.0.1", "--save", "", .. persistence]);
        await _server.WaitUntilReadyAsync(AnswersPingAsync, TimeSpan.FromSeconds(20));
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
        catch (Exception exception) when (exception is SocketException or IOException)
        {
            return false;
        }
    }
}
