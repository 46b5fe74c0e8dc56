using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Digit.Testing;
using Digit.Testing.Hosts;

namespace Digit.Functions.Tests.RealHost;

/// <summary>What only the Functions app under the real host has: its cold start, and Durable's own management API.</summary>
public sealed class FunctionsHostTests(FunctionsHost host) : IClassFixture<FunctionsHost>, IAsyncLifetime
{
    public Task InitializeAsync() => host.EnsureNoRunAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public void ColdStart_ThatOnlyPredicts_NeverLoadsTorchSharpOrLibtorch()
    {
        var mapped = host.ColdStartMappedFiles;

        Assert.Contains(mapped, file => file.EndsWith("libonnxruntime.so", StringComparison.Ordinal));
        Assert.Contains(mapped, file => file.EndsWith("Digit.Inference.dll", StringComparison.Ordinal));
        Assert.DoesNotContain(mapped, file => file.Contains("TorchSharp", StringComparison.Ordinal) || file.Contains("libtorch", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Start_AfterARunWasTerminatedThroughItsTerminateUri_TrainsItsFirstEpochFromScratch()
    {
        using var first = await host.Client.PostAsync("/api/retrain_model/", null);
        var accepted = await first.Content.ReadFromJsonAsync<JsonElement>();
        await host.WaitUntilAsync(async () => await host.EpochsDoneAsync() >= 1, TimeSpan.FromMinutes(2), "the first run's first epoch to finish");
        var terminate = host.Reachable(accepted.GetProperty("terminatePostUri").GetString()!.Replace("{text}", "operator", StringComparison.Ordinal));
        using (var terminated = await host.Client.PostAsync(terminate, null))
        {
            Assert.Equal(HttpStatusCode.Accepted, terminated.StatusCode);
        }
        var status = host.Reachable(accepted.GetProperty("statusQueryGetUri").GetString()!);
        await host.WaitUntilAsync(async () => (await host.Client.GetFromJsonAsync<JsonElement>(status)).GetProperty("runtimeStatus").GetString() == "Terminated",
            TimeSpan.FromSeconds(30), "the first run to be terminated");

        using var second = await host.Client.PostAsync("/api/retrain_model/", null);
        var secondId = (await second.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        Assert.Equal(HttpStatusCode.Accepted, second.StatusCode);
        // Trained, not resumed: the new run reports progress inside its first epoch before any epoch is done.
        await host.WaitUntilAsync(async () => await host.EpochsDoneAsync() == 0 && await host.TrainingPercentageAsync() is > 0 and < 100,
            TimeSpan.FromMinutes(1), "the second run to be inside its first epoch");
        var firstRun = await host.GetJsonAsync($"/api/runs/{accepted.GetProperty("id").GetString()}/");
        await host.EnsureNoRunAsync();

        Assert.NotEqual(accepted.GetProperty("id").GetString(), secondId);
        Assert.Equal("interrupted", firstRun.GetProperty("output").GetProperty("status").GetString());
    }
}
