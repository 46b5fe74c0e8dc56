using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Digit.Testing;

/// <summary>A server started for the tests: its output is kept for error messages, and disposing kills it.</summary>
public sealed class ServerProcess : IDisposable
{
    // The last lines say why a server failed; its first ones say how it started. Both are kept.
    private const int KeptFirstLines = 60;
    private const int KeptLastLines = 300;

    private readonly Process _process;
    private readonly List<string> _first = [];
    private readonly Queue<string> _last = new();
    private readonly List<string> _failures = [];
    private bool _inFailure;
    private readonly Lock _outputLock = new();
    private long _dropped;
    private long _lines;

    /// <summary>
    /// Each child's output is read by thread-pool threads that block in read() on its pipes. With the default
    /// minimum of one pool thread per core, the tests' own pool then starved for about a second at times (measured:
    /// a Task.Delay(20) loop 0.8 s late while a plain thread was on time), which delayed the reading of progress
    /// events and showed as gaps the server never made. A higher minimum keeps the pool responsive.
    /// </summary>
    static ServerProcess()
    {
        ThreadPool.GetMinThreads(out var workers, out var completionPorts);
        ThreadPool.SetMinThreads(Math.Max(workers, 32), completionPorts);
    }

    private ServerProcess(Process process)
    {
        _process = process;
    }

    public string Name => Path.GetFileName(_process.StartInfo.FileName);

    public bool HasExited => _process.HasExited;

    /// <summary>The process id.</summary>
    public int Id => _process.Id;

    /// <summary>Lines the process wrote to stdout and stderr so far.</summary>
    public long OutputLines => Interlocked.Read(ref _lines);

    /// <summary>CPU time the process has used so far.</summary>
    public TimeSpan CpuTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    /// <summary>The dotnet host running this program, else the one on PATH: what starts a built app.</summary>
    public static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH")
        ?? (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath! : "dotnet");

    public string Output
    {
        get
        {
            lock (_outputLock)
            {
                var skipped = _dropped > 0 ? [$"... {_dropped} lines left out ..."] : Array.Empty<string>();
                return string.Join(Environment.NewLine, _first.Concat(skipped).Concat(_last));
            }
        }
    }

    /// <summary>
    /// Every <c>fail:</c> line the process logged (ASP.NET Core's console format, which the Functions host uses too) with
    /// the indented lines under it: the message and exception. Kept apart from <see cref="Output"/>, whose middle is
    /// dropped on long runs, because the cause of a failure is often logged long before it shows.
    /// </summary>
    public string Failures
    {
        get
        {
            lock (_outputLock)
            {
                return string.Join(Environment.NewLine, _failures);
            }
        }
    }

    public static ServerProcess Start(
        string fileName,
        IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string?>? environment = null,
        string? workingDirectory = null)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory ?? string.Empty,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            startInfo.Environment[name] = value;
        }

        var process = new Process { StartInfo = startInfo };
        var server = new ServerProcess(process);
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return server;
    }

    /// <summary>Polls <paramref name="isReady"/> until it is true; fails with the server's output if it exits or times out.</summary>
    public async Task WaitUntilReadyAsync(Func<Task<bool>> isReady, TimeSpan timeout)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException(
                    $"{Name} exited with code {_process.ExitCode} before it was ready. Output:{Environment.NewLine}{Output}");
            }

            if (await isReady())
            {
                return;
            }

            if (waited.Elapsed > timeout)
            {
                throw new TimeoutException($"{Name} was not ready after {timeout.TotalSeconds:0} s. Output:{Environment.NewLine}{Output}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Waits for the process to exit by itself and returns its exit code; kills it and fails after <paramref name="timeout"/>.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var limit = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            Kill();
            throw new TimeoutException($"{Name} did not exit within {timeout.TotalSeconds:0} s. Output:{Environment.NewLine}{Output}");
        }
        // The output readers may still hold the last lines.
        _process.WaitForExit();
        return _process.ExitCode;
    }

    /// <summary>Kills the process at once, as a crash would.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // It exited between the check and the kill.
        }

        _process.Dispose();
    }

    /// <summary>A TCP port on 127.0.0.1 that was free a moment ago.</summary>
    public static int FindFreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The first folder on PATH holding <paramref name="program"/>, or null.</summary>
    public static string? FindOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, program))
            .FirstOrDefault(File.Exists);

    // A bound on what is kept of failures: the first ones say most, and a host in a loop of failures would otherwise grow without end.
    private const int KeptFailureLines = 400;
    private const int KeptLinesPerFailure = 40;
    private int _failureBlockLines;

    private void KeepFailure(string line)
    {
        if (line.StartsWith("fail:", StringComparison.Ordinal) || line.StartsWith("crit:", StringComparison.Ordinal))
        {
            (_inFailure, _failureBlockLines) = (true, 0);
        }
        else if (!_inFailure || line.Length == 0 || !char.IsWhiteSpace(line[0]))
        {
            _inFailure = false;
            return;
        }
        if (_failures.Count < KeptFailureLines && _failureBlockLines++ < KeptLinesPerFailure)
        {
            _failures.Add(line);
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        Interlocked.Increment(ref _lines);
        lock (_outputLock)
        {
            KeepFailure(line);
            if (_first.Count < KeptFirstLines)
            {
                _first.Add(line);
                return;
            }
            _last.Enqueue(line);
            if (_last.Count > KeptLastLines)
            {
                _last.Dequeue();
                _dropped++;
            }
        }
    }
}
