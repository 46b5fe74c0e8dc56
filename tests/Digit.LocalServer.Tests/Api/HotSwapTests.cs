using System.Diagnostics;
using System.Net;
using Digit.Inference.Models;
using Digit.LocalServer.Tests.Support;
using Digit.Testing;
using Digit.Testing.Hosts;
using Microsoft.Extensions.Logging.Abstractions;

namespace Digit.LocalServer.Tests.Api;

/// <summary>A model published while requests pour in is served within a second, and no request fails.</summary>
public sealed class HotSwapTests : IAsyncLifetime
{
    private InProcessLocalServer _server = null!;

    public async Task InitializeAsync() => _server = await InProcessLocalServer.StartAsync();

    public Task DisposeAsync() => _server.DisposeAsync();

    [Fact]
    [Trait("Category", "Timing")]
    public async Task Publish_UnderConcurrentLoad_SwapsWithinASecondWithoutFailedRequests()
    {
        var before = await _server.ModelVersionAsync();
        var store = new FileSystemModelStore(new FileSystemModelStoreOptions { Folder = _server.ModelDirectory }, TimeProvider.System, NullLogger<FileSystemModelStore>.Instance);
        var body = Drawings.FrontendDataUrl(MnistFolder.Test, 0);
        using var stopLoad = new CancellationTokenSource();
        var load = Enumerable.Range(0, 16).Select(_ => HammerAsync(body, stopLoad.Token)).ToArray();

        await Task.Delay(500);
        var published = await store.PublishAsync(await File.ReadAllBytesAsync(DigitHost.ShippedModel), 0.99, CancellationToken.None);
        var clock = Stopwatch.StartNew();
        await _server.WaitUntilAsync(async () => await _server.ModelVersionAsync() == published.Version, TimeSpan.FromSeconds(5), "the new version");
        var swapSeconds = clock.Elapsed.TotalSeconds;
        await Task.Delay(500);
        await stopLoad.CancelAsync();
        var results = await Task.WhenAll(load);

        Assert.NotEqual(before, published.Version);
        Assert.True(swapSeconds < 1.0, $"the new model was served after {swapSeconds:F2} s");
        Assert.True(results.Sum(r => r.Succeeded) > 100, "the load generator made too few requests to prove anything");
        Assert.Equal(0, results.Sum(r => r.Failed));
    }

    [Fact]
    public async Task Publish_ModelThatFailsToLoad_KeepsServingTheCurrentOne()
    {
        var before = await _server.ModelVersionAsync();
        var store = new FileSystemModelStore(new FileSystemModelStoreOptions { Folder = _server.ModelDirectory }, TimeProvider.System, NullLogger<FileSystemModelStore>.Instance);

        await store.PublishAsync("this is not an ONNX model"u8.ToArray(), new ModelDescription(null), CancellationToken.None);
        await _server.WaitUntilAsync(() => Task.FromResult(_server.Output.Contains("failed to load")), TimeSpan.FromSeconds(5), "the load failure to be logged");

        Assert.Equal(before, await _server.ModelVersionAsync());
        using var response = await _server.Client.PostAsync("/api/drawing/", Drawings.Body(Drawings.FrontendDataUrl(MnistFolder.Test, 0)));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private async Task<(int Succeeded, int Failed)> HammerAsync(string drawing, CancellationToken stop)
    {
        int succeeded = 0, failed = 0;
        while (!stop.IsCancellationRequested)
        {
            using var response = await _server.Client.PostAsync("/api/drawing/", Drawings.Body(drawing), CancellationToken.None);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                succeeded++;
            }
            else
            {
                failed++;
            }
        }
        return (succeeded, failed);
    }
}
