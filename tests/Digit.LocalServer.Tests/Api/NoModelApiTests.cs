using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Digit.LocalServer.Tests.Support;
using Digit.Testing;

namespace Digit.LocalServer.Tests.Api;

/// <summary>A server with an empty model store and no shipped model: healthy, but predictions are 503.</summary>
public sealed class NoModelApiTests : IAsyncLifetime
{
    private InProcessLocalServer _server = null!;

    public async Task InitializeAsync() =>
        _server = await InProcessLocalServer.StartAsync(new Dictionary<string, string?> { ["SHIPPED_MODEL"] = "/nonexistent/digits.onnx" });

    public Task DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task PostDrawing_NoModel_Is503WithAClearMessage()
    {
        using var response = await _server.Client.PostAsync("/api/drawing/", Drawings.Body(Drawings.FrontendDataUrl(MnistFolder.Test, 0)));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Model missing", problem.GetProperty("error").GetString());
        Assert.Contains("No model", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task GetRootAndAccuracy_NoModel_AreHealthyNotReadyAndNull()
    {
        var health = await _server.GetJsonAsync("/");
        var accuracy = await _server.GetJsonAsync("/api/model_accuracy/");

        Assert.Equal("healthy", health.GetProperty("status").GetString());
        Assert.False(health.GetProperty("ready").GetBoolean());
        Assert.Equal(JsonValueKind.Null, accuracy.GetProperty("accuracy").ValueKind);
    }
}
