using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Digit.Bench.Support;

/// <summary>
/// The real local server (Digit.LocalServer.dll, Release build) as a child process on 127.0.0.1 with a fresh model
/// folder seeded with the shipped model. Its output is drained (and counted) so that logging never blocks it.
/// </summary>
internal sealed class ServiceProcess : IAsyncDisposable
{
    private const int KeptLines = 200;

    private readonly Process _process;
    private readonly string _modelDirectory;
    private readonly Queue<string> _lastLines = new();
    private readonly Lock _lock = new();
    private long _lines;

    private ServiceProcess(Process process, Uri baseAddress, string modelDirectory)
    {
        _process = process;
        BaseAddress = baseAddress;
        _modelDirectory = modelDirectory;
    }

    public Uri BaseAddress { get; }

    public int ProcessId => _process.Id;

    /// <summary>Lines the server wrote to stdout and stderr so far.</summary>
    public long OutputLines => Interlocked.Read(ref _lines);

    /// <summary>CPU time the server has used so far.</summary>
    public TimeSpan CpuTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    /// <summary>The server's resident set size now, in bytes.</summary>
    public long ResidentBytes
    {
        get
        {
            _process.Refresh();
            return _process.WorkingSet64;
        }
    }

    public string LastOutput
    {
        get
        {
            lock (_lock)
            {
                return string.Join(Environment.NewLine, _lastLines);
            }
        }
    }

    /// <summary>Builds the server in Release if needed, starts it with <paramref name="settings"/> as environment and waits until GET / answers.</summary>
    public static async Task<ServiceProcess> StartAsync(string modelPath, IReadOnlyDictionary<string, string?> settings, CancellationToken cancellationToken)
    {
        var root = BenchPaths.RepositoryRoot();
        var assembly = await EnsureBuiltAsync(root, cancellationToken);
        var modelDirectory = Directory.CreateTempSubdirectory("digit-bench-models-").FullName;
        var port = FreePort();
        var startInfo = new ProcessStartInfo(DotnetHost())
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = root,
        };
        startInfo.ArgumentList.Add(assembly);
        startInfo.ArgumentList.Add("--urls");
        startInfo.ArgumentList.Add($"http://127.0.0.1:{port}");
        startInfo.Environment["MODEL_DIR"] = modelDirectory;
        startInfo.Environment["SHIPPED_MODEL"] = modelPath;
        startInfo.Environment["DOTNET_ENVIRONMENT"] = null;
        startInfo.Environment["ASPNETCORE_ENVIRONMENT"] = null;
        foreach (var (name, value) in settings)
        {
            startInfo.Environment[name] = value;
        }
        var process = new Process { StartInfo = startInfo };
        var server = new ServiceProcess(process, new Uri($"http://127.0.0.1:{port}"), modelDirectory);
        process.OutputDataReceived += (_, e) => server.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => server.Keep(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await server.WaitUntilAnsweringAsync(TimeSpan.FromSeconds(90), cancellationToken);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
        return server;
    }

    /// <summary>The dotnet host running this program (or the one on PATH).</summary>
    public static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH")
        ?? (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath! : "dotnet");

    public ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // It exited between the check and the kill.
        }
        _process.Dispose();
        try
        {
            Directory.Delete(_modelDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A temporary folder left behind is harmless.
        }
        return ValueTask.CompletedTask;
    }

    private static async Task<string> EnsureBuiltAsync(string root, CancellationToken cancellationToken)
    {
        var assembly = Path.Combine(root, "Digit.LocalServer", "bin", "Release", "net10.0", "Digit.LocalServer.dll");
        if (File.Exists(assembly))
        {
            return assembly;
        }
        Console.WriteLine($"{assembly} is missing: building it (dotnet build -c Release Digit.LocalServer) ...");
        using var build = Process.Start(new ProcessStartInfo(DotnetHost(), ["build", "-c", "Release", "Digit.LocalServer/Digit.LocalServer.csproj", "-v", "q"])
        {
            WorkingDirectory = root,
            UseShellExecute = false,
        })!;
        await build.WaitForExitAsync(cancellationToken);
        return build.ExitCode == 0 && File.Exists(assembly)
            ? assembly
            : throw new InvalidOperationException($"Building Digit.LocalServer in Release failed (exit code {build.ExitCode}).");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task WaitUntilAnsweringAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var waited = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The server exited with code {_process.ExitCode}. Output:{Environment.NewLine}{LastOutput}");
            }
            try
            {
                using var response = await client.GetAsync("/", cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            if (waited.Elapsed > timeout)
            {
                throw new TimeoutException($"The server did not answer GET / within {timeout.TotalSeconds:0} s. Output:{Environment.NewLine}{LastOutput}");
            }
            await Task.Delay(100, cancellationToken);
        }
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }
        Interlocked.Increment(ref _lines);
        lock (_lock)
        {
            _lastLines.Enqueue(line);
            if (_lastLines.Count > KeptLines)
            {
                _lastLines.Dequeue();
            }
        }
    }
}
