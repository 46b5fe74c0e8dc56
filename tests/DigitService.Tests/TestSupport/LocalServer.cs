using System.Net.Http.Json;
using System.Text.Json;

namespace Digit.Service.Tests.TestSupport;

/// <summary>
/// The real local server (DigitService.dll) in its own process on 127.0.0.1, with its own model folder.
/// Settings are environment variables, as a user would give them.
/// </summary>
internal sealed class LocalServer : IAsyncDisposable
{
    public const string AllowedOrigin = "http://127.0.0.1:3999";

    private readonly ServerProcess _process;

    private LocalServer(ServerProcess process, Uri baseAddress, string modelDirectory, bool ownsModelDirectory)
    {
        _process = process;
        BaseAddress = baseAddress;
        ModelDirectory = modelDirectory;
        OwnsModelDirectory = ownsModelDirectory;
        Client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    public Uri BaseAddress { get; }

    public HttpClient Client { get; }

    public string ModelDirectory { get; }

    public string Output => _process.Output;

    private bool OwnsModelDirectory { get; }

    /// <summary>The model shipped in the repository, which seeds an empty store.</summary>
    public static string ShippedModel => Path.Combine(RepositoryRoot.Find(), "models", "digits.onnx");

    /// <summary>
    /// Starts a server. By default it has a fresh model folder seeded with the shipped model, in-memory training
    /// state, the MNIST files of the repository, training on 12,000 images, and <see cref="AllowedOrigin"/> for CORS.
    /// </summary>
    public static async Task<LocalServer> StartAsync(IReadOnlyDictionary<string, string?>? settings = null, string? modelDirectory = null)
    {
        var root = RepositoryRoot.Find();
        var ownsFolder = modelDirectory is null;
        modelDirectory ??= Directory.CreateTempSubdirectory("digit-models-").FullName;
        var port = ServerProcess.FindFreePort();
        var environment = new Dictionary<string, string?>
        {
            ["MODEL_DIR"] = modelDirectory,
            ["SHIPPED_MODEL"] = ShippedModel,
            ["MNIST_PATH"] = MnistFolder.Resolve(),
            // Enough images that an epoch spans several progress ticks (200 ms writes, 400 ms events) even on a
            // quiet machine (about 2.5 s here), so mid-epoch progress is always observable; 3,000 took 0.4 s.
            ["TRAINING_SAMPLES"] = "12000",
            ["TRAINING_EPOCHS"] = "2",
            ["MODEL_POLL_MS"] = "100",
            ["FRONTEND_URL"] = AllowedOrigin,
            ["REDIS_URL"] = null,
            ["Logging__LogLevel__Default"] = "Information",
            ["Logging__LogLevel__Microsoft.AspNetCore"] = "Warning",
        };
        foreach (var (name, value) in settings ?? new Dictionary<string, string?>())
        {
            environment[name] = value;
        }
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        var process = ServerProcess.Start(dotnet, [ServiceAssembly(root), "--urls", $"http://127.0.0.1:{port}"], environment, root);
        var server = new LocalServer(process, new Uri($"http://127.0.0.1:{port}"), modelDirectory, ownsFolder);
        try
        {
            await process.WaitUntilReadyAsync(server.IsAnsweringAsync, TimeSpan.FromSeconds(60));
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
        return server;
    }

    /// <summary>Ends the process at once, as a crash would.</summary>
    public void Kill() => _process.Kill();

    public async Task<JsonElement> GetJsonAsync(string path) =>
        await Client.GetFromJsonAsync<JsonElement>(path);

    public async Task<string?> ModelVersionAsync() =>
        (await GetJsonAsync("/")).GetProperty("model_version").GetString();

    public async Task<string> ModelStatusAsync() =>
        (await GetJsonAsync("/api/check_model_status/")).GetProperty("model_status").GetString()!;

    /// <summary>The active run's percentage from /api/training_progress/, or null when no run is active.</summary>
    public async Task<double?> TrainingPercentageAsync()
    {
        var progress = await GetJsonAsync("/api/training_progress/");
        return progress.TryGetProperty("percentage", out var percentage) ? percentage.GetDouble() : null;
    }

    /// <summary>Polls until <paramref name="condition"/> holds; fails with the server's output when it does not in time.</summary>
    public async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Waited {timeout.TotalSeconds:0} s for {what}. Server output:{Environment.NewLine}{Output}");
            }
            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        _process.Dispose();
        if (OwnsModelDirectory)
        {
            await Task.Run(() => Directory.Delete(ModelDirectory, recursive: true));
        }
    }

    private async Task<bool> IsAnsweringAsync()
    {
        try
        {
            using var response = await Client.GetAsync("/");
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    /// <summary>DigitService.dll built in the same configuration as these tests.</summary>
    private static string ServiceAssembly(string root)
    {
        var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
        var path = Path.Combine(root, "DigitService", "bin", configuration, "net10.0", "DigitService.dll");
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException($"The local server is not built at {path}; build the solution first.", path);
    }
}
