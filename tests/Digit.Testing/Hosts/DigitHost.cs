using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace Digit.Testing.Hosts;

/// <summary>
/// A Digit host under test — the local server, or the Functions app under the real Functions host — reached over
/// real HTTP on 127.0.0.1, with a fresh model store seeded with the shipped model and training settings small
/// enough for tests. One contract suite runs against every kind.
/// </summary>
public abstract class DigitHost : IAsyncLifetime
{
    /// <summary>The origin FRONTEND_URL allows.</summary>
    public const string AllowedOrigin = "http://127.0.0.1:3999";

    /// <summary>The local server's ADMIN_TOKEN in tests.</summary>
    public const string AdminToken = "digit-test-admin-token";

    /// <summary>The settings every host under test gets (as environment variables or app settings).</summary>
    public static IReadOnlyDictionary<string, string?> TestSettings(string modelDirectory) => new Dictionary<string, string?>
    {
        ["MODEL_DIR"] = modelDirectory,
        ["SHIPPED_MODEL"] = ShippedModel,
        ["MNIST_PATH"] = MnistFolder.Resolve(),
        // Enough images that an epoch spans several progress ticks (200 ms heartbeats, 400 ms events), so
        // mid-epoch progress is always observable, and few enough that a run takes seconds: the fast recipe
        // trains about 12,000 images a second on two cores, so an epoch lasts about 2.5 s.
        ["TRAINING_SAMPLES"] = "30000",
        ["TRAINING_EPOCHS"] = "2",
        ["MODEL_POLL_MS"] = "100",
        ["FRONTEND_URL"] = AllowedOrigin,
        ["ADMIN_TOKEN"] = AdminToken,
        // The suites send many corrections from one address; the rate limit has tests of its own (FeedbackLimitsSuite).
        ["FEEDBACK_RATE_PER_MINUTE"] = "100000",
        ["FEEDBACK_BURST"] = "100000",
    };

    /// <summary>The model shipped in the repository, which seeds an empty store.</summary>
    public static string ShippedModel => Path.Combine(RepositoryRoot.Find(), "models", "digits.onnx");

    private HttpClient? _client;

    /// <summary>A client whose base address is the host's.</summary>
    public HttpClient Client => _client ?? throw new InvalidOperationException("The host has not started.");

    /// <summary>The host's base address.</summary>
    public Uri BaseAddress => Client.BaseAddress!;

    /// <summary>What the host logged so far (for failure messages).</summary>
    public abstract string Output { get; }

    /// <summary>The epochs a retrain run trains here.</summary>
    public virtual int TrainingEpochs => 2;

    /// <summary>Whether this host is the Functions app (some answers carry Durable's management links).</summary>
    public virtual bool IsFunctions => false;

    /// <summary>Whether start-up waits for a served model (false for hosts set up without one).</summary>
    protected virtual bool ServesAModel => true;

    public async Task InitializeAsync()
    {
        var address = await StartAsync();
        _client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) };
        await WaitUntilAsync(IsReadyAsync, TimeSpan.FromMinutes(2), ServesAModel ? "the host to answer GET / with ready: true" : "the host to answer GET /");
        await OnReadyAsync();
    }

    /// <summary>Runs once the host serves, before any test uses it.</summary>
    protected virtual Task OnReadyAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _client?.Dispose();
        await StopAsync();
    }

    /// <summary>Starts the host and returns its base address.</summary>
    protected abstract Task<Uri> StartAsync();

    /// <summary>Stops the host and removes what it made.</summary>
    protected abstract Task StopAsync();

    public async Task<JsonElement> GetJsonAsync(string path) => await Client.GetFromJsonAsync<JsonElement>(path);

    public async Task<string?> ModelVersionAsync() => (await GetJsonAsync("/")).GetProperty("model_version").GetString();

    public async Task<string> ModelStatusAsync() =>
        (await GetJsonAsync("/api/check_model_status/")).GetProperty("model_status").GetString()!;

    /// <summary>The active run's percentage from /api/training_progress/, or null when no run is active.</summary>
    public async Task<double?> TrainingPercentageAsync()
    {
        var progress = await GetJsonAsync("/api/training_progress/");
        return progress.TryGetProperty("percentage", out var percentage) ? percentage.GetDouble() : null;
    }

    /// <summary>Epochs the active run has finished, 0 when none or no run.</summary>
    public async Task<int> EpochsDoneAsync()
    {
        var progress = await GetJsonAsync("/api/training_progress/");
        return progress.TryGetProperty("epoch", out var epoch) ? epoch.GetInt32() : 0;
    }

    /// <summary>A URL the host gave out, as this machine can reach it (the Functions host here names https but serves http).</summary>
    public virtual string Reachable(string url) => url;

    /// <summary>Adds what the host needs to accept a call to the model routes (a bearer token; a function key on Azure).</summary>
    public virtual void AddAdminCredentials(HttpRequestMessage request) =>
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", AdminToken);

    /// <summary>Sends a request to a model route with the host's admin credentials.</summary>
    public async Task<HttpResponseMessage> SendAsAdminAsync(HttpMethod method, string path)
    {
        using var request = new HttpRequestMessage(method, path);
        AddAdminCredentials(request);
        return await Client.SendAsync(request);
    }

    /// <summary>
    /// A client of this host whose connections come from <paramref name="localAddress"/> (any 127.x.y.z is this
    /// machine on Linux), so the host sees another client address than <see cref="Client"/>'s.
    /// </summary>
    public HttpClient NewClientFrom(string localAddress)
    {
        var local = System.Net.IPAddress.Parse(localAddress);
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new System.Net.IPEndPoint(local, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return new HttpClient(handler) { BaseAddress = BaseAddress, Timeout = Client.Timeout };
    }

    /// <summary>Sends a correction: <paramref name="drawing"/> (a data URL) and <paramref name="label"/>, from <paramref name="client"/> or <see cref="Client"/>.</summary>
    public Task<HttpResponseMessage> PostFeedbackAsync(string drawing, object? label, HttpClient? client = null) =>
        (client ?? Client).PostAsync("/api/feedback/", JsonContent.Create(new { drawing, label }));

    /// <summary>How many corrections the host holds (GET /api/feedback/count/'s total).</summary>
    public async Task<int> CorrectionCountAsync() => (await GetJsonAsync("/api/feedback/count/")).GetProperty("total").GetInt32();

    /// <summary>Makes <paramref name="version"/> the served model again (a test that published puts the old one back).</summary>
    public async Task ActivateAsync(string version)
    {
        using var response = await SendAsAdminAsync(HttpMethod.Post, $"/api/models/{version}/activate");
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Activating {version} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
        await WaitUntilAsync(async () => await ModelVersionAsync() == version, TimeSpan.FromSeconds(5), $"model {version} to be served");
    }

    /// <summary>Stops whatever runs and waits until no run is active, so a test starts from a quiet host.</summary>
    public async Task EnsureNoRunAsync()
    {
        using var stop = await Client.PostAsync("/api/stop_training/", null);
        await WaitUntilAsync(async () => await ModelStatusAsync() != "in_progress", TimeSpan.FromSeconds(60), "the previous run to end");
    }

    /// <summary>Polls until <paramref name="condition"/> holds; fails with the host's output when it does not in time.</summary>
    public async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"Waited {timeout.TotalSeconds:0} s for {what}. Host output:{Environment.NewLine}{Output}");
            }
            await Task.Delay(50);
        }
    }

    private async Task<bool> IsReadyAsync()
    {
        try
        {
            using var response = await Client.GetAsync("/");
            return response.IsSuccessStatusCode
                && (!ServesAModel || (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("ready").GetBoolean());
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }
}
