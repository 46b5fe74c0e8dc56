using Digit.Testing;
using Digit.Testing.Hosts;

namespace Digit.LocalServer.Tests.Process;

/// <summary>
/// The local server as its own process (Digit.LocalServer.dll built beside these tests), for what only a process
/// shows: how start-up fails, a crash, and where relative settings lead from another working directory.
/// </summary>
public sealed class LocalServerProcess : DigitHost
{
    private readonly IReadOnlyDictionary<string, string?> _environment;
    private readonly string _workingDirectory;
    private readonly string _modelDirectory = Directory.CreateTempSubdirectory("digit-models-").FullName;
    private ServerProcess? _process;

    /// <summary>A server process with <paramref name="environment"/> on top of the test settings (null removes one).</summary>
    public LocalServerProcess(IReadOnlyDictionary<string, string?> environment, string? workingDirectory = null)
    {
        _environment = environment;
        _workingDirectory = workingDirectory ?? RepositoryRoot.Find();
    }

    /// <summary>The folder of this server's model store (when the environment does not name another).</summary>
    public string ModelDirectory => _modelDirectory;

    /// <inheritdoc />
    public override string Output => _process?.Output ?? string.Empty;

    /// <summary>Whether the process has ended.</summary>
    public bool HasExited => _process?.HasExited ?? false;

    /// <summary>Starts a server process and waits for it to serve; the caller disposes it.</summary>
    public static async Task<LocalServerProcess> StartAsync(IReadOnlyDictionary<string, string?> environment, string? workingDirectory = null)
    {
        var server = new LocalServerProcess(environment, workingDirectory);
        try
        {
            await server.InitializeAsync();
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
        return server;
    }

    /// <summary>Runs the server until it exits by itself (a start-up that fails) and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunUntilExitAsync(IReadOnlyDictionary<string, string?> environment, TimeSpan timeout)
    {
        var server = new LocalServerProcess(environment);
        try
        {
            server._process = server.Launch(ServerProcess.FindFreePort());
            var exitCode = await server._process.WaitForExitAsync(timeout);
            return (exitCode, server.Output);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    /// <summary>Ends the process at once, as a crash would.</summary>
    public void Kill() => _process?.Kill();

    protected override bool ServesAModel => !_environment.TryGetValue("SHIPPED_MODEL", out var shipped) || File.Exists(shipped);

    protected override Task<Uri> StartAsync()
    {
        var port = ServerProcess.FindFreePort();
        _process = Launch(port);
        return Task.FromResult(new Uri($"http://127.0.0.1:{port}"));
    }

    protected override async Task StopAsync()
    {
        _process?.Dispose();
        await Task.Run(() => Directory.Delete(_modelDirectory, recursive: true));
    }

    private ServerProcess Launch(int port)
    {
        var environment = new Dictionary<string, string?>(TestSettings(_modelDirectory))
        {
            ["REDIS_URL"] = null,
            ["Logging__LogLevel__Default"] = "Information",
        };
        foreach (var (name, value) in _environment)
        {
            environment[name] = value;
        }
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        return ServerProcess.Start(dotnet, [ServerAssembly(), "--urls", $"http://127.0.0.1:{port}"], environment, _workingDirectory);
    }

    /// <summary>Digit.LocalServer.dll in its own build output, in the configuration of these tests.</summary>
    private static string ServerAssembly()
    {
        var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
        var path = Path.Combine(RepositoryRoot.Find(), "Digit.LocalServer", "bin", configuration, "net10.0", "Digit.LocalServer.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"The local server is not built at {path}; build the solution first.", path);
    }
}
