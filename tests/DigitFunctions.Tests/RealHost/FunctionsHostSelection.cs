using System.Text.Json;

namespace Digit.Functions.Tests.RealHost;

/// <summary>How a Functions host is started.</summary>
internal enum FunctionsHostKind
{
    /// <summary>A folder with <c>build.sh</c> and <c>run.sh</c>, as <c>../shared/functions-host</c>.</summary>
    Scripts,

    /// <summary>A host build: <c>host/Microsoft.Azure.WebJobs.Script.WebHost.dll</c>, with its own <c>dotnet/</c> or not.</summary>
    Build,

    /// <summary>Azure Functions Core Tools: <c>func</c> on PATH.</summary>
    CoreTools,
}

/// <summary>The program, arguments, folder and environment that start a host over a published app.</summary>
internal sealed record FunctionsHostCommand(
    string Program,
    IReadOnlyList<string> Arguments,
    string? WorkingDirectory,
    IReadOnlyDictionary<string, string?> Environment);

/// <summary>
/// The Functions host the real-host tests run the app under, found in this order: <c>FUNCTIONS_HOST_DIR</c> (a folder
/// with <c>run.sh</c>, or a host build), <c>../shared/functions-host</c> beside the repository, then Core Tools'
/// <c>func</c> on PATH. With none, the tests are skipped with <see cref="InstallLine"/>, or fail with it under <c>CI=true</c>.
/// </summary>
internal sealed record FunctionsHostSelection(FunctionsHostKind Kind, string Location, string Source)
{
    public const string HostDirVariable = "FUNCTIONS_HOST_DIR";

    private const string HostAssembly = "Microsoft.Azure.WebJobs.Script.WebHost.dll";

    /// <summary>The one line that says what to install when no host is found.</summary>
    public const string InstallLine =
        "No Azure Functions host for the real-host tests: install Azure Functions Core Tools 4 so that `func` is on PATH " +
        "(npm install -g azure-functions-core-tools@4), or set FUNCTIONS_HOST_DIR to a folder with run.sh or a Functions host build.";

    /// <summary>Finds the host; <paramref name="environment"/> reads a variable (FUNCTIONS_HOST_DIR, PATH, CI).</summary>
    /// <exception cref="FunctionsHostMissingException">No host anywhere, outside CI.</exception>
    /// <exception cref="InvalidOperationException">No host under CI, or FUNCTIONS_HOST_DIR names no host.</exception>
    public static FunctionsHostSelection Find(Func<string, string?> environment, string repositoryRoot)
    {
        var configured = environment(HostDirVariable);
        if (!string.IsNullOrEmpty(configured))
        {
            var folder = Path.GetFullPath(configured);
            return InFolder(folder, HostDirVariable)
                ?? throw new InvalidOperationException(
                    $"{HostDirVariable} is {folder}, which holds neither run.sh nor a Functions host build (host/{HostAssembly}).");
        }

        var shared = Path.GetFullPath(Path.Combine(repositoryRoot, "..", "shared", "functions-host"));
        if (File.Exists(Path.Combine(shared, "run.sh")))
        {
            return new FunctionsHostSelection(FunctionsHostKind.Scripts, shared, "../shared/functions-host");
        }

        if (FindExecutable("func", environment("PATH")) is { } func)
        {
            return new FunctionsHostSelection(FunctionsHostKind.CoreTools, func, "Core Tools on PATH");
        }

        throw IsCi(environment("CI")) ? new InvalidOperationException(InstallLine) : new FunctionsHostMissingException(InstallLine);
    }

    /// <summary>The host found from this process's environment and repository.</summary>
    public static FunctionsHostSelection FindHere() => Find(System.Environment.GetEnvironmentVariable, Digit.Testing.RepositoryRoot.Find());

    /// <summary>The host name the app is told it has (WEBSITE_HOSTNAME), which the tests also call it by.</summary>
    public string HostName(int port) => Kind == FunctionsHostKind.CoreTools ? $"localhost:{port}" : $"127.0.0.1:{port}";

    /// <summary>
    /// How to start this host over <paramref name="publishFolder"/> on <paramref name="port"/> with the app settings
    /// <paramref name="settings"/> (CORS_ALLOWED_ORIGINS, a JSON array, becomes Core Tools' --cors).
    /// </summary>
    public FunctionsHostCommand Command(string publishFolder, int port, IReadOnlyDictionary<string, string?> settings)
    {
        var environment = new Dictionary<string, string?>(settings) { ["WEBSITE_HOSTNAME"] = HostName(port) };
        switch (Kind)
        {
            case FunctionsHostKind.Scripts:
                return new FunctionsHostCommand(Path.Combine(Location, "run.sh"), [publishFolder, port.ToString()], null, environment);

            case FunctionsHostKind.Build:
                // What run.sh sets for the same host, so that both ways of starting it run the app alike.
                environment["AzureWebJobsScriptRoot"] = publishFolder;
                environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
                environment.TryAdd("AZURE_FUNCTIONS_ENVIRONMENT", "Development");
                environment.TryAdd("AzureFunctionsJobHost__Logging__Console__IsEnabled", "true");
                environment.TryAdd("AzureWebJobsSecretStorageType", "files");
                if (!string.IsNullOrEmpty(settings.GetValueOrDefault("CORS_ALLOWED_ORIGINS")))
                {
                    environment.TryAdd("FUNCTIONS_ENABLE_CORS_CONFIGURATION", "1");
                }
                environment["CONTAINER_NAME"] = null;
                var dotnet = Path.Combine(Location, "dotnet", "dotnet");
                return new FunctionsHostCommand(File.Exists(dotnet) ? dotnet : "dotnet", [Path.Combine(Location, "host", HostAssembly)], null, environment);

            default:
                // Core Tools runs a published isolated app from its folder; keys are enforced only with --enableAuth.
                environment.TryAdd("AzureWebJobsSecretStorageType", "files");
                List<string> arguments = ["start", "--port", port.ToString(), "--enableAuth"];
                var origins = Origins(settings.GetValueOrDefault("CORS_ALLOWED_ORIGINS"));
                if (origins.Length > 0)
                {
                    arguments.AddRange(["--cors", string.Join(',', origins)]);
                }
                return new FunctionsHostCommand(Location, arguments, publishFolder, environment);
        }
    }

    /// <summary>
    /// The deps file that names the host's Microsoft.Azure.WebJobs, or null when this host has none where it is looked
    /// for (Core Tools installed some other way). <paramref name="hostBuild"/> is build.sh's output for <see cref="FunctionsHostKind.Scripts"/>.
    /// </summary>
    public string? HostDepsFile(string? hostBuild)
    {
        switch (Kind)
        {
            case FunctionsHostKind.Scripts:
                return Path.Combine(hostBuild ?? throw new ArgumentNullException(nameof(hostBuild)), "host", "Microsoft.Azure.WebJobs.Script.WebHost.deps.json");
            case FunctionsHostKind.Build:
                return Path.Combine(Location, "host", "Microsoft.Azure.WebJobs.Script.WebHost.deps.json");
            default:
                // Core Tools is itself the host: func.deps.json beside the func binary (npm puts a launcher on PATH and
                // the binary in the package's bin/).
                var folder = Path.GetDirectoryName(new FileInfo(Location).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? Location)!;
                return new[] { folder, Path.Combine(folder, "..", "bin") }
                    .Select(candidate => Path.GetFullPath(Path.Combine(candidate, "func.deps.json")))
                    .FirstOrDefault(File.Exists);
        }
    }

    /// <summary>Which host, and where: the line the test output shows.</summary>
    public override string ToString() => Kind switch
    {
        FunctionsHostKind.Scripts => $"the Functions host of {Location} ({Source}: build.sh, run.sh)",
        FunctionsHostKind.Build => $"the Functions host build in {Location} ({Source})",
        _ => $"Azure Functions Core Tools, {Location} ({Source}: func start)",
    };

    private static FunctionsHostSelection? InFolder(string folder, string source)
    {
        if (File.Exists(Path.Combine(folder, "run.sh")))
        {
            return new FunctionsHostSelection(FunctionsHostKind.Scripts, folder, source);
        }
        return File.Exists(Path.Combine(folder, "host", HostAssembly))
            ? new FunctionsHostSelection(FunctionsHostKind.Build, folder, source)
            : null;
    }

    private static string? FindExecutable(string program, string? path) =>
        (path ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, program))
            .FirstOrDefault(file => File.Exists(file) && (OperatingSystem.IsWindows() || (File.GetUnixFileMode(file) & UnixFileMode.UserExecute) != 0));

    private static bool IsCi(string? value) =>
        string.Equals(value, "true", StringComparison.OrdinalIgnoreCase) || value == "1";

    private static string[] Origins(string? corsSetting) =>
        string.IsNullOrEmpty(corsSetting) ? [] : JsonSerializer.Deserialize<string[]>(corsSetting) ?? [];
}
