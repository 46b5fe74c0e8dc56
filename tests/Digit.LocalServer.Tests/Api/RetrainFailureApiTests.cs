using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Digit.LocalServer.Tests.Support;
using Digit.Testing;

namespace Digit.LocalServer.Tests.Api;

/// <summary>A run that cannot train ends in error with a message that tells the user what to do.</summary>
public sealed class RetrainFailureApiTests : IAsyncLifetime
{
    private readonly string _emptyMnist = Directory.CreateTempSubdirectory("no-mnist-").FullName;
    private InProcessLocalServer _server = null!;

    public async Task InitializeAsync() =>
        _server = await InProcessLocalServer.StartAsync(new Dictionary<string, string?> { ["MNIST_PATH"] = _emptyMnist });

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_emptyMnist, recursive: true);
    }

    [Fact]
    public async Task Retrain_MnistFilesMissing_EndsInErrorNamingTheFetchCommand()
    {
        var before = await _server.ModelVersionAsync();

        using var started = await _server.Client.PostAsync("/api/retrain_model/", null);
        var body = await started.Content.ReadFromJsonAsync<JsonElement>();
        var events = await ProgressEvents.ReadAllAsync(_server.Client, TimeSpan.FromSeconds(30));

        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        Assert.Equal("error", events[^1].Data.GetProperty("reason").GetString());
        Assert.Equal("error", await _server.ModelStatusAsync());
        var status = await _server.Client.GetFromJsonAsync<JsonElement>(body.GetProperty("statusQueryGetUri").GetString());
        var message = status.GetProperty("output").GetProperty("message").GetString();
        Assert.Contains("scripts/fetch-mnist.sh", message);
        Assert.Contains("missing", message);
        Assert.Equal(before, await _server.ModelVersionAsync());
    }
}
