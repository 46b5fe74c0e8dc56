using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Digit.Testing;

namespace Digit.LocalServer.Tests.Process;

/// <summary>
/// What a new user does: clone the repository into an empty folder and run the README's first command exactly as
/// written, then use the server as the frontend does — predict, train, watch the new model served, stop a run.
/// Only the training's size is set, through the settings (environment variables), so the test takes minutes.
/// </summary>
public sealed partial class FreshCloneTests : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("digit-fresh-clone-").FullName;
    private ServerProcess? _server;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _server?.Dispose();
        await Task.Run(() => Directory.Delete(_folder, recursive: true));
    }

    [Fact]
    [Trait("Category", "Timing")]
    public async Task ReadmeFirstCommand_FromAFreshClone_PredictsTrainsServesAndStops()
    {
        var clone = Path.Combine(_folder, "digit");
        await RunAsync("git", ["clone", "--quiet", RepositoryRoot.Find(), clone]);
        var command = FirstReadmeCommand(Path.Combine(clone, "README.md"));
        Assert.Equal("scripts/serve.sh", command);
        var port = ServerProcess.FindFreePort();
        _server = ServerProcess.Start("bash", ["-c", command], new Dictionary<string, string?>
        {
            ["PORT"] = port.ToString(),
            ["TRAINING_EPOCHS"] = "1",
            ["TRAINING_SAMPLES"] = "4000",
            // So short a run reads drawings worse than the shipped model, which the publish rule would keep.
            ["PUBLISH_MAX_ACCURACY_DROP"] = "1",
            // What the user's shell does not have: nothing of the test run's own settings leaks in.
            ["MNIST_PATH"] = null,
            ["MODEL_DIR"] = null,
            ["SHIPPED_MODEL"] = null,
            ["REDIS_URL"] = null,
        }, clone);
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(60) };
        await _server.WaitUntilReadyAsync(async () => await IsReadyAsync(client), TimeSpan.FromMinutes(10));

        // Predictions, sent as the frontend sends them.
        var correct = 0;
        for (var i = 0; i < 20; i++)
        {
            using var response = await client.PostAsync("/api/drawing/", Drawings.Body(Drawings.FrontendDataUrl(MnistFolder.Test, i)));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            correct += (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("prediction").GetInt32() == MnistFolder.Test.Labels[i] ? 1 : 0;
        }
        Assert.True(correct >= 19, $"{correct} of 20 digits were recognised");

        // A short training run to completed, and its model served within a second.
        var before = await ModelVersionAsync(client);
        using (var started = await client.PostAsync("/api/retrain_model/", null))
        {
            Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        }
        var events = await ProgressEvents.ReadAllAsync(client, TimeSpan.FromMinutes(5));
        var closed = Stopwatch.StartNew();
        Assert.True("completed" == events[^1].Data.GetProperty("reason").GetString(), $"the run ended {events[^1].Data}; server output:{Environment.NewLine}{_server.Output}");
        while (await ModelVersionAsync(client) == before && closed.Elapsed < TimeSpan.FromSeconds(5))
        {
            await Task.Delay(20);
        }
        Assert.True(closed.Elapsed < TimeSpan.FromSeconds(1), $"the new model was served {closed.Elapsed.TotalSeconds:F2} s after the stream closed");

        // A second run, stopped.
        using (var again = await client.PostAsync("/api/retrain_model/", null))
        {
            Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        }
        var stopping = Stopwatch.StartNew();
        using (var stop = await client.PostAsync("/api/stop_training/", null))
        {
            Assert.Equal(HttpStatusCode.OK, stop.StatusCode);
        }
        while (await ModelStatusAsync(client) != "interrupted" && stopping.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(20);
        }
        Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(2), $"the second run ended {await ModelStatusAsync(client)} {stopping.Elapsed.TotalSeconds:F2} s after the stop");
    }

    /// <summary>The first line of the README's first shell block, without its comment.</summary>
    private static string FirstReadmeCommand(string readme)
    {
        var block = ShellBlock().Match(File.ReadAllText(readme));
        Assert.True(block.Success, "the README has no ```sh block");
        return block.Groups["body"].Value.Split('\n')[0].Split('#')[0].Trim();
    }

    private static async Task<bool> IsReadyAsync(HttpClient client)
    {
        try
        {
            return (await client.GetFromJsonAsync<JsonElement>("/")).GetProperty("ready").GetBoolean();
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private static async Task<string?> ModelVersionAsync(HttpClient client) =>
        (await client.GetFromJsonAsync<JsonElement>("/")).GetProperty("model_version").GetString();

    private static async Task<string?> ModelStatusAsync(HttpClient client) =>
        (await client.GetFromJsonAsync<JsonElement>("/api/check_model_status/")).GetProperty("model_status").GetString();

    private static async Task RunAsync(string program, string[] arguments)
    {
        using var process = ServerProcess.Start(program, arguments);
        var exitCode = await process.WaitForExitAsync(TimeSpan.FromMinutes(2));
        Assert.True(exitCode == 0, $"{program} {string.Join(' ', arguments)} exited with {exitCode}: {process.Output}");
    }

    [GeneratedRegex(@"```sh\n(?<body>[^`]*)```")]
    private static partial Regex ShellBlock();
}
