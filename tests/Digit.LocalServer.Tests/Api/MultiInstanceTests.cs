using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Storage.Blobs;
using Digit.Inference.Models;
using Digit.Testing.Hosts;
using Microsoft.Extensions.Logging.Abstractions;
using Digit.LocalServer.Tests.Support;
using Digit.Testing;

namespace Digit.LocalServer.Tests.Api;

/// <summary>
/// Two real local servers sharing what Azure instances share: training state in a real Redis and models in a
/// real Blob container (Azurite). A run started on one instance is watched, refused and served on the other.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class MultiInstanceTests(RedisServerFixture redis, AzuriteFixture azurite) : IClassFixture<AzuriteFixture>, IAsyncLifetime
{
    private readonly string _keyPrefix = RedisServerFixture.NewKeyPrefix();
    private readonly BlobContainerClient _models = azurite.NewContainerClient();
    private InProcessLocalServer _first = null!;
    private InProcessLocalServer _second = null!;

    public async Task InitializeAsync()
    {
        // One after the other, so that only the first seeds the empty container with the shipped model.
        _first = await StartServerAsync();
        _second = await StartServerAsync();
    }

    public async Task DisposeAsync()
    {
        await _first.DisposeAsync();
        await _second.DisposeAsync();
    }

    [Fact]
    [Trait("Category", "Timing")]
    public async Task Retrain_OnOneInstance_TheOtherFollowsItAndServesTheNewModel()
    {
        var before = await _first.ModelVersionAsync();
        Assert.Equal(before, await _second.ModelVersionAsync());

        using var started = await _first.Client.PostAsync("/api/retrain_model/", null);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        using var refused = await _second.Client.PostAsync("/api/retrain_model/", null);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var events = await ProgressEvents.ReadAllAsync(_second.Client, TimeSpan.FromMinutes(3));
        var clock = Stopwatch.StartNew();
        var swapSeconds = await Task.WhenAll(new[] { _first, _second }.Select(server => SecondsUntilNewModelAsync(server, before, clock)));

        Assert.Equal("completed", events[^1].Data.GetProperty("reason").GetString());
        Assert.Contains(events, e => !e.IsClose() && e.Data.GetProperty("percentage").GetDouble() is > 0 and < 100);
        Assert.All(swapSeconds, seconds => Assert.True(seconds < 1.0, $"an instance served the new model {seconds:F2} s after the stream closed"));
        var version = await _second.ModelVersionAsync();
        Assert.Equal(version, await _first.ModelVersionAsync());
        var body = await started.Content.ReadFromJsonAsync<JsonElement>();
        var run = await _second.Client.GetFromJsonAsync<JsonElement>($"/api/runs/{body.GetProperty("id").GetString()}/");
        var accuracy = run.GetProperty("output").GetProperty("accuracy").GetDouble();
        Assert.Equal(accuracy, (await _second.GetJsonAsync("/api/model_accuracy/")).GetProperty("accuracy").GetDouble());
        Assert.True(await _models.GetBlobClient($"versions/{version}.onnx").ExistsAsync(), $"model {version} is not in the Blob container");
        Assert.Equal("completed", await _second.ModelStatusAsync());
    }

    [Fact]
    [Trait("Category", "Timing")]
    public async Task StopTraining_OnTheOtherInstance_EndsTheRunInterrupted()
    {
        var before = await _first.ModelVersionAsync();
        using var started = await _first.Client.PostAsync("/api/retrain_model/", null);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        await _second.WaitUntilAsync(async () => await _second.TrainingPercentageAsync() is > 0 and < 100, TimeSpan.FromMinutes(1), "the first epoch to be under way");

        var clock = Stopwatch.StartNew();
        using var stop = await _second.Client.PostAsync("/api/stop_training/", null);
        await _first.WaitUntilAsync(async () => await _first.ModelStatusAsync() == "interrupted", TimeSpan.FromSeconds(10), "the run to end interrupted");

        Assert.Equal("Stop signal sent.", (await stop.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("message").GetString());
        Assert.True(clock.Elapsed.TotalSeconds < 2, $"stopped after {clock.Elapsed.TotalSeconds:F2} s");
        Assert.Equal(before, await _first.ModelVersionAsync());
        Assert.Equal(before, await _second.ModelVersionAsync());
    }

    [Fact]
    [Trait("Category", "Timing")]
    public async Task Activate_OnOneInstance_EveryInstanceServesItWithinASecond()
    {
        var before = await _first.ModelVersionAsync();
        var store = new BlobModelStore(_models, TimeProvider.System, NullLogger<BlobModelStore>.Instance);
        var stored = await store.StoreAsync(await File.ReadAllBytesAsync(DigitHost.ShippedModel), new ModelDescription(0.9942, ModelOrigins.Shipped), CancellationToken.None);

        var clock = Stopwatch.StartNew();
        using var activated = await _first.SendAsAdminAsync(HttpMethod.Post, $"/api/models/{stored.Version}/activate");
        var swapSeconds = await Task.WhenAll(new[] { _first, _second }.Select(server => SecondsUntilNewModelAsync(server, before, clock)));

        Assert.Equal(HttpStatusCode.OK, activated.StatusCode);
        Assert.All(swapSeconds, seconds => Assert.True(seconds < 1.0, $"an instance served the activated model {seconds:F2} s after the request"));
        Assert.Equal(stored.Version, await _second.ModelVersionAsync());
    }

    private Task<InProcessLocalServer> StartServerAsync() => InProcessLocalServer.StartAsync(new Dictionary<string, string?>
    {
        ["REDIS_URL"] = $"redis://{redis.Configuration}/0",
        ["REDIS_KEY_PREFIX"] = _keyPrefix,
        ["MODEL_STORAGE"] = azurite.ConnectionString,
        ["MODEL_CONTAINER"] = _models.Name,
        ["MODEL_POLL_MS"] = "250",
    });

    private static async Task<double> SecondsUntilNewModelAsync(InProcessLocalServer server, string? before, Stopwatch clock)
    {
        await server.WaitUntilAsync(async () => await server.ModelVersionAsync() != before, TimeSpan.FromSeconds(5), "the new model");
        return clock.Elapsed.TotalSeconds;
    }
}
