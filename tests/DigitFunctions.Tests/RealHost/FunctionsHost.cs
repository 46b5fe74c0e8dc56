using System.Text.Json;
using Digit.Testing;
using Digit.Testing.Hosts;

namespace Digit.Functions.Tests.RealHost;

/// <summary>
/// The Functions app as Azure runs it: published (linux-x64, once per test run) and started by a real Azure Functions
/// host (<see cref="FunctionsHostSelection"/>: FUNCTIONS_HOST_DIR, ../shared/functions-host built once and cached
/// outside the clone, or Core Tools' func), with Azurite (blob, queue and table) and redis-server on free ports.
/// Settings are app settings in the environment, as `func start` would give them from local.settings.json.
/// </summary>
public class FunctionsHost : DigitHost
{
    private static readonly SemaphoreSlim Publishing = new(1, 1);
    // One publish of each app (DigitApp: Full or Predict) per test run.
    private static readonly Dictionary<string, string> Published = new(StringComparer.Ordinal);
    private string? _published;

    // Every fixture of a test run with the same settings starts the same app under the same host: when one could not
    // run an orchestration, the others fail at once with its reason instead of waiting for theirs.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> SmokeFailures = new();

    /// <summary>How long the smoke orchestration may take before the host is declared unable to run orchestrations.</summary>
    private static readonly TimeSpan SmokeTimeout = TimeSpan.FromSeconds(60);

    private readonly IReadOnlyDictionary<string, string?> _settings;
    private readonly RedisServerFixture _redis = new();
    private AzuriteFixture? _azurite;
    private ServerProcess? _host;
    private FunctionsHostSelection? _selection;
    private string? _hostDeps;
    private string _hostName = string.Empty;
    private DirectoryInfo? _secrets;
    private readonly string _marker = Guid.NewGuid().ToString("N");

    /// <summary>A host with the test settings.</summary>
    public FunctionsHost()
        : this(new Dictionary<string, string?>())
    {
    }

    protected internal FunctionsHost(IReadOnlyDictionary<string, string?> settings)
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
    /// <summary>Which app of DigitFunctions this host runs: Full (predicts and trains) or Predict (dotnet publish -p:DigitApp=Predict).</summary>
    protected virtual string DigitApp => "Full";

    public string PublishFolder => _published ?? throw new InvalidOperationException("The app has not been published.");

    /// <summary>The redis-server this host's app uses.</summary>
    public RedisServerFixture Redis => _redis;

    /// <inheritdoc />
    public override string Reachable(string url) =>
        url.Replace($"https://{_hostName}/", $"http://{_hostName}/", StringComparison.Ordinal);

    /// <summary>The host the app runs under, and from where (also in failure messages).</summary>
    internal FunctionsHostSelection Selection => _selection ?? throw new InvalidOperationException("The host has not started.");

    /// <summary>The host's default function key, which the model routes (AuthorizationLevel.Function) need.</summary>
    public override void AddAdminCredentials(HttpRequestMessage request) => request.Headers.Add("x-functions-key", FunctionKey());

    /// <summary>The deps file naming the host's Microsoft.Azure.WebJobs (a Scripts host is built by its build.sh first, cached).</summary>
    private static async Task<string?> HostDepsAsync(FunctionsHostSelection selection)
    {
        if (selection.Kind != FunctionsHostKind.Scripts)
        {
            return selection.HostDepsFile(null);
        }
        var build = await RunAsync(Path.Combine(selection.Location, "build.sh"), [], TimeSpan.FromMinutes(20));
        return selection.HostDepsFile(build.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1].Trim());
    }

    protected override async Task<Uri> StartAsync()
    {
        // First, before anything is published or started: with no host the test is skipped (or fails under CI) at once.
        var selection = _selection = FunctionsHostSelection.FindHere();
        var published = PublishOnceAsync(DigitApp);
        var hostDeps = HostDepsAsync(selection);
        var services = Task.WhenAll(_redis.InitializeAsync(), StartAzuriteAsync());
        await Task.WhenAll(published, hostDeps, services);
        _hostDeps = await hostDeps;
        if (SmokeFailures.TryGetValue(SettingsKey, out var failure))
        {
            throw new InvalidOperationException(failure);
        }
        if (_hostDeps is not null && WebJobsVersions.Read(_hostDeps, await published) is { Compatible: false } versions)
        {
            throw new InvalidOperationException(
                $"The Functions host ({selection}) cannot run this app's orchestrations: {versions}. Use a host with Microsoft.Azure.WebJobs " +
                $"{versions.Extensions} or newer (a newer Core Tools, or ../shared/functions-host/build.sh), or pin an older Durable extension.");
        }

        var port = ServerProcess.FindFreePort();
        _hostName = selection.HostName(port);
        // Keys are files in a folder of this host's own, which the admin routes' tests read the function key from.
        _secrets = Directory.CreateTempSubdirectory("digit-functions-secrets-");
        var environment = new Dictionary<string, string?>
        {
            ["FUNCTIONS_SECRETS_PATH"] = _secrets.FullName,
            // Finds this host's worker among others: the host passes its environment on to the worker.
            ["DIGIT_TEST_HOST"] = _marker,
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
            ["PUBLISH_MAX_ACCURACY_DROP"] = TestSettings("unused")["PUBLISH_MAX_ACCURACY_DROP"],
            ["FEEDBACK_RATE_PER_MINUTE"] = TestSettings("unused")["FEEDBACK_RATE_PER_MINUTE"],
            ["FEEDBACK_BURST"] = TestSettings("unused")["FEEDBACK_BURST"],
            ["FRONTEND_URL"] = AllowedOrigin,
        };
        foreach (var (name, value) in _settings)
        {
            environment[name] = value;
        }
        _published = await published;
        var command = selection.Command(_published, port, environment);
        _host = ServerProcess.Start(command.Program, command.Arguments, command.Environment, command.WorkingDirectory);
        return new Uri($"http://{_hostName}");
    }

    /// <inheritdoc />
    protected override void ThrowIfStopped()
    {
        if (_host is { HasExited: true })
        {
            throw new InvalidOperationException($"The Functions host ({_selection}) exited.{FailureReport()}{Environment.NewLine}Host output:{Environment.NewLine}{Output}");
        }
        // The host retries a failed start-up every few seconds for ever; two failures in a row will not mend.
        if (CountOf(_host?.Failures, StartupFailure) >= 2)
        {
            throw new InvalidOperationException($"The Functions host ({_selection}) failed to start, twice.{FailureReport()}");
        }
    }

    private const string StartupFailure = "fail: Host.Startup";

    private static int CountOf(string? text, string part)
    {
        var count = 0;
        for (var at = text?.IndexOf(part, StringComparison.Ordinal) ?? -1; at >= 0; at = text!.IndexOf(part, at + part.Length, StringComparison.Ordinal))
        {
            count++;
        }
        return count;
    }

    protected override async Task OnReadyAsync()
    {
        using var response = await Client.PostAsync("/api/drawing/", Drawings.Body(Drawings.FrontendDataUrl(MnistFolder.Test, 0)));
        response.EnsureSuccessStatusCode();
        if (DigitApp == "Full")
        {
            await RunSmokeOrchestrationAsync();
        }
        var worker = FindWorker() ?? throw new InvalidOperationException($"No worker process of the host was found.{Environment.NewLine}{Output}");
        ColdStartMappedFiles = File.ReadLines($"/proc/{worker}/maps")
            .Select(line => line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length == 6 && fields[5].StartsWith('/'))
            .Select(fields => fields[5].Trim())
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToArray();
    }

    /// <summary>
    /// Starts a run and stops it at once: the orchestration, an activity and the finish step each run once, in
    /// seconds. A host that cannot run orchestrations (an extension it does not fit, a broken task hub) fails here
    /// within <see cref="SmokeTimeout"/>, with its failures and their reasons, instead of in every test after minutes.
    /// </summary>
    private async Task RunSmokeOrchestrationAsync()
    {
        string? status = null;
        try
        {
            using var started = await Client.PostAsync("/api/retrain_model/", null);
            var body = await started.Content.ReadAsStringAsync();
            if (started.StatusCode != System.Net.HttpStatusCode.Accepted)
            {
                throw new InvalidOperationException($"POST /api/retrain_model/ answered {(int)started.StatusCode}: {body}");
            }
            var statusUrl = Reachable(JsonDocument.Parse(body).RootElement.GetProperty("statusQueryGetUri").GetString()!);
            using (await Client.PostAsync("/api/stop_training/", null))
            {
            }
            using var limit = new CancellationTokenSource(SmokeTimeout);
            while (true)
            {
                ThrowIfStopped();
                status = await Client.GetStringAsync(statusUrl, limit.Token);
                var runtimeStatus = JsonDocument.Parse(status).RootElement.GetProperty("runtimeStatus").GetString();
                if (runtimeStatus == "Completed")
                {
                    return;
                }
                if (runtimeStatus is "Failed" or "Terminated" or "Canceled")
                {
                    throw new InvalidOperationException($"the smoke orchestration ended {runtimeStatus}");
                }
                await Task.Delay(200, limit.Token);
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or InvalidOperationException or HttpRequestException or JsonException)
        {
            var reason = exception is OperationCanceledException ? $"it did not complete within {SmokeTimeout.TotalSeconds:0} s" : exception.Message;
            var failure =
                $"The Functions host could not run a smoke orchestration (a run started and stopped at once): {reason}." +
                $"{Environment.NewLine}The host: {_selection}." +
                (_hostDeps is null ? string.Empty : $"{Environment.NewLine}{WebJobsVersions.Read(_hostDeps, PublishFolder)}.") +
                (status is null ? string.Empty : $"{Environment.NewLine}Last status: {status}") +
                FailureReport();
            SmokeFailures[SettingsKey] = failure;
            throw new InvalidOperationException(failure, exception);
        }
    }

    // Hosts of the same settings start the same app under the same host.
    private string SettingsKey => string.Join(";", _settings.OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair => $"{pair.Key}={pair.Value}"));

    /// <summary>The host's fail: lines, and the reasons of aborted functions among them.</summary>
    private string FailureReport()
    {
        var failures = _host?.Failures ?? string.Empty;
        if (failures.Length == 0)
        {
            // Core Tools writes its log in a format of its own, without ASP.NET Core's fail: prefix: its output says more.
            return _selection?.Kind == FunctionsHostKind.CoreTools
                ? $"{Environment.NewLine}Core Tools' output:{Environment.NewLine}{Output}"
                : $"{Environment.NewLine}The host logged no fail: lines.";
        }
        var reasons = failures.Split('\n')
            .Select(line => line.Trim())
            .Where(line => line.Contains("Exception:", StringComparison.Ordinal) || line.Contains("abort", StringComparison.OrdinalIgnoreCase))
            .Distinct()
            .Take(10)
            .ToArray();
        return (reasons.Length > 0 ? $"{Environment.NewLine}Reasons:{Environment.NewLine}  {string.Join($"{Environment.NewLine}  ", reasons)}" : string.Empty)
            + $"{Environment.NewLine}The host's fail: lines:{Environment.NewLine}{failures}";
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
        if (_secrets is not null)
        {
            DeleteQuietly(_secrets.FullName);
        }
    }

    private async Task StartAzuriteAsync() => _azurite = await AzuriteFixture.StartAllServicesAsync();

    private string FunctionKey() => HostSecret(secrets => secrets.GetProperty("functionKeys")[0]);

    private string HostSecret(Func<JsonElement, JsonElement> key)
    {
        var secrets = Path.Combine(_secrets?.FullName ?? throw new InvalidOperationException("The host has not started."), "host.json");
        using var document = JsonDocument.Parse(File.ReadAllText(secrets));
        return key(document.RootElement).GetProperty("value").GetString()!;
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
                && TryRead(Path.Combine(folder, "environ")) is { } environment && environment.Contains($"DIGIT_TEST_HOST={_marker}", StringComparison.Ordinal))
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

    /// <summary>Publishes DigitFunctions for linux-x64 once per test run and app, as the pipeline does.</summary>
    private static async Task<string> PublishOnceAsync(string digitApp)
    {
        await Publishing.WaitAsync();
        try
        {
            if (!Published.TryGetValue(digitApp, out var published))
            {
                var output = Directory.CreateTempSubdirectory("digit-functions-publish-").FullName;
                var project = Path.Combine(RepositoryRoot.Find(), "DigitFunctions", "DigitFunctions.csproj");
                await RunAsync(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet",
                    ["publish", project, "-c", "Release", "-r", "linux-x64", $"-p:DigitApp={digitApp}", "-o", output, "-nologo", "-clp:ErrorsOnly"],
                    TimeSpan.FromMinutes(15));
                Published[digitApp] = published = output;
                // 600 MB: removed when the test process ends, so repeated runs do not fill the disk.
                AppDomain.CurrentDomain.ProcessExit += (_, _) => DeleteQuietly(output);
            }
            return published;
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
