namespace Digit.Testing.Hosts;

/// <summary>
/// The local server as its own process (Digit.LocalServer.dll built in the configuration of the program that starts
/// it), for what only a process shows: how start-up fails, a crash, where relative settings lead from another working
/// directory, and the benchmarks' CPU, memory and log figures.
/// </summary>
public sealed class LocalServerProcess : DigitHost
{
    private readonly IReadOnlyDictionary<string, string?> _environment;
    private readonly string _workingDirectory;
    private readonly bool _withTestSettings;
    private readonly string _modelDirectory = Directory.CreateTempSubdirectory("digit-models-").FullName;
    private ServerProcess? _process;

    /// <summary>
    /// A server process with <paramref name="environment"/> (null removes a setting) on top of the test settings, or,
    /// without <paramref name="withTestSettings"/>, on top of the server's own defaults with a fresh model folder.
    /// </summary>
    public LocalServerProcess(IReadOnlyDictionary<string, string?> environment, string? workingDirectory = null, bool withTestSettings = true)
    {
        _environment = environment;
        _workingDirectory = workingDirectory ?? RepositoryRoot.Find();
        _withTestSettings = withTestSettings;
    }

    /// <summary>The folder of this server's model store (when the environment does not name another).</summary>
    public string ModelDirectory => _modelDirectory;

    /// <inheritdoc />
    public override string Output => _process?.Output ?? string.Empty;

    /// <summary>Whether the process has ended.</summary>
    public bool HasExited => _process?.HasExited ?? false;

    /// <summary>The process id.</summary>
    public int ProcessId => Started.Id;

    /// <summary>CPU time the server has used so far.</summary>
    public TimeSpan CpuTime => Started.CpuTime;

    /// <summary>Lines the server wrote to stdout and stderr so far.</summary>
    public long OutputLines => Started.OutputLines;

    private ServerProcess Started => _process ?? throw new InvalidOperationException("The server has not started.");

    /// <summary>Starts a server process and waits for it to serve; the caller disposes it.</summary>
    public static async Task<LocalServerProcess> StartAsync(
        IReadOnlyDictionary<string, string?> environment, string? workingDirectory = null, bool withTestSettings = true)
    {
        var server = new LocalServerProcess(environment, workingDirectory, withTestSettings);
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
        var environment = _withTestSettings
            ? new Dictionary<string, string?>(TestSettings(_modelDirectory)) { ["Logging__LogLevel__Default"] = "Information" }
            : new Dictionary<string, string?>
            {
                ["MODEL_DIR"] = _modelDirectory,
                ["SHIPPED_MODEL"] = ShippedModel,
                ["DOTNET_ENVIRONMENT"] = null,
                ["ASPNETCORE_ENVIRONMENT"] = null,
            };
        environment["REDIS_URL"] = null;
        foreach (var (name, value) in _environment)
        {
            environment[name] = value;
        }
        return ServerProcess.Start(ServerProcess.DotnetHost(), [ServerAssembly(), "--urls", $"http://127.0.0.1:{port}"], environment, _workingDirectory);
    }

    /// <summary>Digit.LocalServer.dll in its own build output, in the configuration of the running program.</summary>
    private static string ServerAssembly()
    {
        var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
        var path = Path.Combine(RepositoryRoot.Find(), "Digit.LocalServer", "bin", configuration, "net10.0", "Digit.LocalServer.dll");
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException($"The local server is not built at {path}: build it first (dotnet build -c {configuration} Digit.LocalServer).", path);
    }
}
