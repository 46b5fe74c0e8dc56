using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Digit.Inference.Models;
using Digit.LocalServer.Tests.Support;
using Digit.Testing;
using Digit.Testing.Hosts;
using Microsoft.Extensions.Logging.Abstractions;

namespace Digit.LocalServer.Tests.Api;

/// <summary>
/// The model store as the local server meets it: versions that do not load, a pointer that cannot be read, the
/// publish rule, and checkpoints that belong to no run.
/// </summary>
public sealed class ModelStoreApiTests : IAsyncLifetime
{
    private readonly List<InProcessLocalServer> _servers = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var server in _servers)
        {
            await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task Activate_AVersionThatDoesNotLoad_Is422AndTheServedModelStays()
    {
        var server = await StartAsync();
        var served = await server.ModelVersionAsync();
        var junk = await Store(server.ModelDirectory).StoreAsync("not a model"u8.ToArray(), new ModelDescription(0.5), CancellationToken.None);

        using var response = await server.SendAsAdminAsync(HttpMethod.Post, $"/api/models/{junk.Version}/activate");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("Model does not load", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
        Assert.Equal(served, await server.ModelVersionAsync());
        Assert.Equal(served, (await Store(server.ModelDirectory).GetCurrentAsync(CancellationToken.None))?.Version);
    }

    [Fact]
    public async Task ModelRoutes_WithoutAnAdminToken_DoNotExist()
    {
        var server = await StartAsync(new Dictionary<string, string?> { ["ADMIN_TOKEN"] = null });

        using var response = await server.SendAsAdminAsync(HttpMethod.Get, "/api/models/");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    [Trait("Category", "Timing")]
    public async Task ModelAccuracy_PointerUnreadable_AnswersWithTheServedModel()
    {
        var server = await StartAsync();
        var accuracy = (await server.GetJsonAsync("/api/model_accuracy/")).GetProperty("accuracy").GetDouble();
        await File.WriteAllTextAsync(Path.Combine(server.ModelDirectory, "current.json"), "{ not json");

        for (var i = 0; i < 5; i++)
        {
            using var response = await server.Client.GetAsync("/api/model_accuracy/");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(accuracy, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accuracy").GetDouble());
        }
        await Task.Delay(1000); // several polls of the watcher
        Assert.Single(server.Output.Split('\n'), line => line.Contains("Reading the model store failed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Start_CurrentModelCorrupt_ServesTheNewestOlderVersionThatLoads()
    {
        var folder = Directory.CreateTempSubdirectory("digit-models-").FullName;
        try
        {
            var store = Store(folder);
            var good = await store.PublishAsync(await File.ReadAllBytesAsync(DigitHost.ShippedModel), 0.9942, CancellationToken.None);
            await store.PublishAsync("corrupt"u8.ToArray(), 0.9, CancellationToken.None);

            var server = await StartAsync(new Dictionary<string, string?> { ["MODEL_DIR"] = folder });

            Assert.Equal(good.Version, await server.ModelVersionAsync());
            using var response = await server.Client.PostAsync("/api/drawing/", Drawings.Body(Drawings.FrontendDataUrl(MnistFolder.Test, 0)));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task PublishRule_RunWorseThanTheServedModel_IsStoredButNotServed()
    {
        var server = await StartAsync(new Dictionary<string, string?>
        {
            ["PUBLISH_MAX_ACCURACY_DROP"] = "0.001",
            ["TRAINING_EPOCHS"] = "1",
            ["TRAINING_SAMPLES"] = "2000",
        });
        var served = await server.ModelVersionAsync();

        using var started = await server.Client.PostAsync("/api/retrain_model/", null);
        var body = await started.Content.ReadFromJsonAsync<JsonElement>();
        var events = await ProgressEvents.ReadAllAsync(server.Client, TimeSpan.FromMinutes(3));
        var run = await server.Client.GetFromJsonAsync<JsonElement>(body.GetProperty("statusQueryGetUri").GetString());
        using var models = await server.SendAsAdminAsync(HttpMethod.Get, "/api/models/");
        var listed = await models.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal("completed", events[^1].Data.GetProperty("reason").GetString());
        var output = run.GetProperty("output");
        Assert.StartsWith("Stored model", output.GetProperty("message").GetString());
        Assert.Contains("kept the served model", output.GetProperty("message").GetString());
        Assert.Equal(served, await server.ModelVersionAsync());
        var stored = listed.GetProperty("versions").EnumerateArray().Single(v => v.GetProperty("version").GetString() == output.GetProperty("modelVersion").GetString());
        Assert.False(stored.GetProperty("served").GetBoolean());
        Assert.Equal(body.GetProperty("id").GetString(), stored.GetProperty("origin").GetString());
    }

    [Fact]
    public async Task Start_CheckpointOfADeadRun_IsRemoved()
    {
        var folder = Directory.CreateTempSubdirectory("digit-models-").FullName;
        try
        {
            await Store(folder).SaveCheckpointAsync("0123456789abcdef0123456789abcdef", [1, 2, 3], CancellationToken.None);

            var server = await StartAsync(new Dictionary<string, string?> { ["MODEL_DIR"] = folder });

            await server.WaitUntilAsync(async () => (await Store(folder).ListCheckpointsAsync(CancellationToken.None)).Count == 0,
                TimeSpan.FromSeconds(10), "the dead run's checkpoint to be removed");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private async Task<InProcessLocalServer> StartAsync(IReadOnlyDictionary<string, string?>? settings = null)
    {
        var server = await InProcessLocalServer.StartAsync(settings);
        _servers.Add(server);
        return server;
    }

    private static FileSystemModelStore Store(string folder) =>
        new(new FileSystemModelStoreOptions { Folder = folder }, TimeProvider.System, NullLogger<FileSystemModelStore>.Instance);
}
