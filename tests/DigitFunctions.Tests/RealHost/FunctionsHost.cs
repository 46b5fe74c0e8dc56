using System.Diagnostics;
using System.Text.Json;
using Digit.Testing;
using Digit.Testing.Hosts;

namespace Digit.Functions.Tests.RealHost;

/// <summary>
/// The Functions app as Azure runs it: published (linux-x64, once per test run) and started by the real Azure
/// Functions host 4.1037.0 (../shared/functions-host, built once and cached outside the clone), with Azurite
/// (blob, queue and table) and redis-server on free ports. Settings are app settings in the environment, as
/// `func start` would give them from local.settings.json.
/// </summary>
public class FunctionsHost : DigitHost
{
    private static readonly SemaphoreSlim Publishing = new(1, 1);
    private static string? _published;

    private readonly IReadOnlyDictionary<string, string?> _settings;
    private readonly RedisServerFixture _redis = new();
    private AzuriteFixture? _azurite;
    private ServerProcess? _host;
    private string _hostFolder = string.Empty;
    private int _port;

    /// <summary>A host with the test settings.</summary>
    public FunctionsHost()
        : this(new Dictionary<string, string?>())
    {
    }

    internal FunctionsHost(IReadOnlyDictionary<string, string?> settings)
    {
        _settings = settings;
    }

    /// <inheritdoc />
    public override string Output => _host?.Output ?? string.Empty;

    /// <inheritdoc />
    public override bool IsFunctions => true;

    /// <summary>The worker process (dotnet DigitFunctions.dll) the host started.</summary>
    public int? WorkerProcessId => FindWorker();

    /// <summary>
    /// The files the worker had mapped right after start and one prediction (managed assemblies and native
    /// libraries are memory-mapped, so this is what a prediction-only cold start loads), before any test trains.
    /// </summary>
    public IReadOnlyList<string> ColdStartMappedFiles { get; private set; } = [];

    /// <summary>The folder of the published app.</summary>
    public string PublishFolder => _published ?? throw new InvalidOperationException("The app has not been published.");

    /// <summary>The redis-server this host's app uses.</summary>
    public RedisServerFixture Redis => _redis;

    /// <inheritdoc />
    public override string Reachable(string url) =>
        url.Replace($"https://127.0.0.1:{_port}/", $"http://127.0.0.1:{_port}/", StringComparison.Ordinal);

    /// <summary>The host's default function key, which the model routes (AuthorizationLevel.Function) need.</summary>
    public override void AddAdminCredentials(HttpRequestMessage request) => request.Headers.Add("x-functions-key", FunctionKey());

    /// <summary>The folder of the Functions host build (from ../shared/functions-host/build.sh, cached).</summary>
    public static async Task<string> BuildHostAsync()
    {
        var build = await RunAsync(Path.Combine(SharedHostFolder(), "build.sh"), [], TimeSpan.FromMinutes(20));
        return build.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1].Trim();
    }

    protected override async Task<Uri> StartAsync()
    {
        var published = PublishOnceAsync();
        var hostFolder = BuildHostAsync();
        var services = Task.WhenAll(_redis.InitializeAsync(), StartAzuriteAsync());
        await Task.WhenAll(published, hostFolder, services);
        _hostFolder = await hostFolder;

        _port = ServerProcess.FindFreePort();
        var environment = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = _azurite!.ConnectionString,
            ["FUNCTIONS_WORKER_RUNTIME"] = "dotnet-isolated",
            ["AzureWebJobsDisableHomepage"] = "true",
            ["REDIS_URL"] = $"redis://{_redis.Configuration}/0",
            ["CORS_ALLOWED_ORIGINS"] = JsonSerializer.Serialize(new[] { AllowedOrigin }),
            ["MODEL_CONTAINER"] = $"models-{Guid.NewGuid():N}",
            // The settings of every test host, except the model store: the Functions app keeps models in Blob
            // storage, and the published app brings its shipped model and MNIST files in its own folder.
            ["TRAINING_SAMPLES"] = TestSettings("unused")["TRAINING_SAMPLES"],
            ["TRAINING_EPOCHS"] = TestSettings("unused")["TRAINING_EPOCHS"],
            ["FEEDBACK_RATE_PER_MINUTE"] = TestSettings("unused")["FEEDBACK_RATE_PER_MINUTE"],
            ["FEEDBACK_BURST"] = TestSettings("unused")["FEEDBACK_BURST"],
            ["FRONTEND_URL"] = AllowedOrigin,
        };
        foreach (var (name, value) in _settings)
        {
            environment[name] = value;
        }
        _host = ServerProcess.Start(Path.Combine(SharedHostFolder(), "run.sh"), [await published, _port.ToString()], environment);
        return new Uri($"http://127.0.0.1:{_port}");
    }

    protected override async Task OnReadyAsync()
    {
        using var response = await Client.PostAsync("/api/drawing/", Drawings.Body(Drawings.FrontendDataUrl(MnistFolder.Test, 0)));
        response.EnsureSuccessStatusCode();
        var worker = FindWorker() ?? throw new InvalidOperationException($"No worker process of the host was found.{Environment.NewLine}{Output}");
        ColdStartMappedFiles = File.ReadLines($"/proc/{worker}/maps")
            .Select(line => line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length == 6 && fields[5].StartsWith('/'))
            .Select(fields => fields[5].Trim())
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToArray();
    }

    protected override async Task StopAsync()
    {
        // This host build has been seen to ignore SIGTERM; the process tree goes down with a kill.
        _host?.Dispose();
        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
        }
        await _redis.DisposeAsync();
    }

    private async Task StartAzuriteAsync() => _azurite = await AzuriteFixture.StartAllServicesAsync();

    private string FunctionKey()
    {
        var secrets = Path.Combine(_hostFolder, "host", "Secrets", "host.json");
        using var document = JsonDocument.Parse(File.ReadAllText(secrets));
        return document.RootElement.GetProperty("functionKeys")[0].GetProperty("value").GetString()!;
    }

    private int? FindWorker()
    {
        if (_host is null)
        {
            return null;
        }
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(folder), out var pid) && pid != Environment.ProcessId
                && TryRead(Path.Combine(folder, "cmdline")) is { } commandLine && commandLine.Contains("DigitFunctions.dll", StringComparison.Ordinal)
                && TryRead(Path.Combine(folder, "environ")) is { } environment && environment.Contains($"ASPNETCORE_URLS=http://127.0.0.1:{_port}", StringComparison.Ordinal))
            {
                return pid;
            }
        }
        return null;
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

    /// <summary>Publishes DigitFunctions for linux-x64 once per test run, as the pipeline does.</summary>
    private static async Task<string> PublishOnceAsync()
    {
        await Publishing.WaitAsync();
        try
        {
            if (_published is null)
            {
                var output = Directory.CreateTempSubdirectory("digit-functions-publish-").FullName;
                var project = Path.Combine(RepositoryRoot.Find(), "DigitFunctions", "DigitFunctions.csproj");
                await RunAsync(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet",
                    ["publish", project, "-c", "Release", "-r", "linux-x64", "-o", output, "-nologo", "-clp:ErrorsOnly"], TimeSpan.FromMinutes(15));
                _published = output;
                // 600 MB: removed when the test process ends, so repeated runs do not fill the disk.
                AppDomain.CurrentDomain.ProcessExit += (_, _) => DeleteQuietly(output);
            }
            return _published;
        }
        finally
        {
            Publishing.Release();
        }
    }

    private static void DeleteQuietly(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // Left for the system's temporary-file cleaning; the run's outcome does not depend on it.
        }
    }

    private static string SharedHostFolder()
    {
        var folder = Path.GetFullPath(Path.Combine(RepositoryRoot.Find(), "..", "shared", "functions-host"));
        return File.Exists(Path.Combine(folder, "run.sh"))
            ? folder
            : throw new InvalidOperationException($"The Functions host is not at {folder}; the real-host tests need ../shared/functions-host beside the repository.");
    }

    private static async Task<string> RunAsync(string program, IEnumerable<string> arguments, TimeSpan timeout)
    {
        var process = ServerProcess.Start(program, arguments);
        using (process)
        {
            var exitCode = await process.WaitForExitAsync(timeout);
            return exitCode == 0
                ? process.Output
                : throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited with {exitCode}:{Environment.NewLine}{process.Output}");
        }
    }
}
