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
    public async Task UnknownRouteOrMethod_IsTheHostsOwn404WithoutABody()
    {
        // The host matches routes and methods itself: neither request reaches the worker, so its problem details
        // service cannot shape the answer (docs/functions.md says so).
        using var unknown = await host.Client.GetAsync("/api/no_such_route/");
        using var wrongMethod = await host.Client.PostAsync("/api/model_versions/", null);
        var unknownBody = await unknown.Content.ReadAsStringAsync();
        var wrongMethodBody = await wrongMethod.Content.ReadAsStringAsync();

        Assert.True(unknown.StatusCode == HttpStatusCode.NotFound && unknownBody.Length == 0,
            $"unknown route: {(int)unknown.StatusCode} {unknown.Content.Headers.ContentType} '{unknownBody}'");
        Assert.True(wrongMethod.StatusCode == HttpStatusCode.NotFound && wrongMethodBody.Length == 0,
            $"wrong method: {(int)wrongMethod.StatusCode} {wrongMethod.Content.Headers.ContentType} '{wrongMethodBody}'");
    }

    [Fact]
    public async Task ColdStart_ThatOnlyPredicts_NeverLoadsTorchSharpOrLibtorch()
    {
        var mapped = host.ColdStartMappedFiles;
        await WriteReportAsync(mapped);

        Assert.Contains(mapped, file => file.EndsWith("libonnxruntime.so", StringComparison.Ordinal));
        Assert.Contains(mapped, file => file.EndsWith("Digit.Inference.dll", StringComparison.Ordinal));
        // The prediction decoded its drawing with Skia's native codecs inside the published worker.
        Assert.Contains(mapped, file => file.EndsWith("libSkiaSharp.so", StringComparison.Ordinal));
        Assert.DoesNotContain(mapped, file => file.Contains("TorchSharp", StringComparison.Ordinal) || file.Contains("libtorch", StringComparison.Ordinal));
    }

    /// <summary>
    /// What scripts/coldstart.sh prints: the published app's size, and the assemblies and native libraries the
    /// worker had loaded after a cold start and one prediction.
    /// </summary>
    private async Task WriteReportAsync(IReadOnlyList<string> mapped)
    {
        var files = Directory.EnumerateFiles(host.PublishFolder, "*", SearchOption.AllDirectories).Select(file => new FileInfo(file)).ToArray();
        var libraries = mapped.Where(file => file.EndsWith(".dll", StringComparison.Ordinal) || file.Contains(".so", StringComparison.Ordinal)).ToArray();
        var report = new List<string>
        {
            $"dotnet publish DigitFunctions -c Release -r linux-x64: {files.Sum(file => file.Length) / 1e6:F0} MB in {files.Length} files" +
                $" ({files.Where(file => file.FullName.Contains("/data/mnist/", StringComparison.Ordinal)).Sum(file => file.Length) / 1e6:F0} MB of them MNIST)",
            $"a prediction-only cold start of the worker loaded {libraries.Count(file => file.EndsWith(".dll", StringComparison.Ordinal))} assemblies and " +
                $"{libraries.Count(file => !file.EndsWith(".dll", StringComparison.Ordinal))} native libraries; TorchSharp or libtorch among them: " +
                $"{(libraries.Any(file => file.Contains("Torch", StringComparison.Ordinal) || file.Contains("libtorch", StringComparison.Ordinal)) ? "yes" : "no")}",
        };
        report.AddRange(libraries.Select(file => "  " + Path.GetFileName(file)));
        var folder = Directory.CreateDirectory(Path.Combine(RepositoryRoot.Find(), "artifacts")).FullName;
        await File.WriteAllLinesAsync(Path.Combine(folder, "functions-coldstart.txt"), report);
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

/// <summary>
/// The real-host fixture finds a host that cannot serve this app's runs at once and says why: one that fails to start,
/// and one that starts and answers HTTP but cannot run an orchestration.
/// </summary>
public sealed class BrokenFunctionsHostTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public async Task Start_HostThatFailsToStart_FailsWithTheHostsStartupErrors()
    {
        // A task hub name Azure Storage refuses: the Durable extension, and so the host, cannot start.
        var failure = await StartFailingAsync(new Dictionary<string, string?> { ["AzureFunctionsJobHost__extensions__durableTask__hubName"] = "no_such-hub!" });

        Assert.Contains("failed to start", failure.Message, StringComparison.Ordinal);
        Assert.Contains("fail: Host.Startup", failure.Message, StringComparison.Ordinal);
        Assert.Contains("Task hub name 'no_such-hub!'", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_HostThatCannotRunTheOrchestration_FailsItsSmokeOrchestrationWithVersionsAndReasons()
    {
        // Every function but the orchestrator: HTTP and activities work, a run's orchestration never can.
        string[] functions = ["Health", "Drawing", "RetrainModel", "StopTraining", "CheckModelStatus", "TrainingProgress", "Run", "TrainEpoch", "PublishModel", "FinishRun"];
        var settings = functions.Select((name, index) => (Key: $"AzureFunctionsJobHost__functions__{index}", Value: (string?)name))
            .ToDictionary(pair => pair.Key, pair => pair.Value);

        var failure = await StartFailingAsync(settings);

        Assert.Contains("could not run a smoke orchestration", failure.Message, StringComparison.Ordinal);
        Assert.Contains("Microsoft.Azure.WebJobs.Extensions.DurableTask", failure.Message, StringComparison.Ordinal);
        Assert.Contains("the Functions host carries Microsoft.Azure.WebJobs", failure.Message, StringComparison.Ordinal);
    }

    private async Task<InvalidOperationException> StartFailingAsync(IReadOnlyDictionary<string, string?> settings)
    {
        // Without a host there is nothing to break: the test is skipped as every real-host test is.
        FunctionsHostSelection.FindHere();
        var host = new FunctionsHost(settings);
        try
        {
            var failure = await Assert.ThrowsAsync<InvalidOperationException>(host.InitializeAsync);
            // What a developer meeting this failure would read.
            output.WriteLine(failure.Message);
            return failure;
        }
        finally
        {
            await host.DisposeAsync();
        }
    }
}
