namespace Digit.Testing.Hosts;

/// <summary>
/// The real Azure Functions host of ../shared/functions-host and the processes it runs: where it is, the settings a
/// published Digit app needs under it, and the worker process (dotnet DigitFunctions.dll) it starts. Shared by the
/// real-host fixtures and the cold-start benchmark.
/// </summary>
public static class FunctionsRuntime
{
    /// <summary>The ticks per second of /proc/[pid]/stat's times (USER_HZ, 100 on Linux x64).</summary>
    private const double ClockTicksPerSecond = 100;

    /// <summary>The folder of ../shared/functions-host beside the repository (its build.sh and run.sh).</summary>
    public static string SharedHostFolder()
    {
        var folder = Path.GetFullPath(Path.Combine(RepositoryRoot.Find(), "..", "shared", "functions-host"));
        return File.Exists(Path.Combine(folder, "run.sh"))
            ? folder
            : throw new InvalidOperationException($"The Functions host is not at {folder}; the real-host tests need ../shared/functions-host beside the repository.");
    }

    /// <summary>The script that runs a published app under the host: run.sh APP_PUBLISH_DIR PORT.</summary>
    public static string RunScript => Path.Combine(SharedHostFolder(), "run.sh");

    /// <summary>The folder of the Functions host build (from ../shared/functions-host/build.sh, cached).</summary>
    public static async Task<string> BuildHostAsync()
    {
        using var build = ServerProcess.Start(Path.Combine(SharedHostFolder(), "build.sh"), []);
        var exitCode = await build.WaitForExitAsync(TimeSpan.FromMinutes(20));
        return exitCode == 0
            ? build.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1].Trim()
            : throw new InvalidOperationException($"../shared/functions-host/build.sh exited with {exitCode}:{Environment.NewLine}{build.Output}");
    }

    /// <summary>
    /// The app settings a published Digit app needs under the host, as `func start` gives them from
    /// local.settings.json: the host's storage (Azurite), Redis, and CORS for <paramref name="allowedOrigin"/>.
    /// </summary>
    public static Dictionary<string, string?> AppSettings(string storageConnection, string redisConfiguration, string allowedOrigin) => new()
    {
        ["AzureWebJobsStorage"] = storageConnection,
        ["FUNCTIONS_WORKER_RUNTIME"] = "dotnet-isolated",
        ["AzureWebJobsDisableHomepage"] = "true",
        ["REDIS_URL"] = $"redis://{redisConfiguration}/0",
        ["CORS_ALLOWED_ORIGINS"] = System.Text.Json.JsonSerializer.Serialize(new[] { allowedOrigin }),
        ["FRONTEND_URL"] = allowedOrigin,
    };

    /// <summary>
    /// The worker process (dotnet <paramref name="workerAssembly"/>, DigitFunctions.dll unless named) of the host
    /// listening on <paramref name="port"/>, or null.
    /// </summary>
    public static int? FindWorker(int port, string workerAssembly = "DigitFunctions.dll")
    {
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(folder), out var pid) && pid != Environment.ProcessId
                && TryRead(Path.Combine(folder, "cmdline")) is { } commandLine && commandLine.Contains(workerAssembly, StringComparison.Ordinal)
                && TryRead(Path.Combine(folder, "environ")) is { } environment && environment.Contains($"ASPNETCORE_URLS=http://127.0.0.1:{port}\0", StringComparison.Ordinal))
            {
                return pid;
            }
        }
        return null;
    }

    /// <summary>
    /// When a process started, in seconds since boot, from /proc/[pid]/stat (to 10 ms). Two processes' start times
    /// subtract exactly; the process started later by how much.
    /// </summary>
    public static double StartedSecondsAfterBoot(int processId)
    {
        var stat = File.ReadAllText($"/proc/{processId}/stat");
        // The command name (field 2) may hold spaces and parentheses: the fields after it start past the last ')'.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // starttime is field 22 of stat, the 20th after the command name.
        return long.Parse(fields[19], System.Globalization.CultureInfo.InvariantCulture) / ClockTicksPerSecond;
    }

    private static string? TryRead(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
