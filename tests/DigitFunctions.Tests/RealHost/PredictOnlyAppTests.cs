using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Digit.Backend.Retraining;
using Digit.Backend.Runs;
using Digit.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Digit.Functions.Tests.RealHost;

/// <summary>
/// The predict-only app under the real Functions host: one start serves every test here. It predicts and serves
/// models, corrections and run status; it carries no training and registers no training function.
/// </summary>
public sealed class PredictOnlyAppTests(PredictOnlyFunctionsHost host) : IClassFixture<PredictOnlyFunctionsHost>
{
    [Fact]
    public void Publish_PredictOnly_CarriesNoTorchSharpLibtorchOrMnist()
    {
        var files = Directory.EnumerateFiles(host.PublishFolder, "*", SearchOption.AllDirectories)
            .Select(file => Path.GetRelativePath(host.PublishFolder, file))
            .ToArray();

        Assert.Contains("DigitFunctions.dll", files);
        Assert.Contains(files, file => file.EndsWith("libonnxruntime.so", StringComparison.Ordinal));
        Assert.DoesNotContain(files, file => file.Contains("torch", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(files, file => file.Contains("mnist", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain("torch", File.ReadAllText(Path.Combine(host.PublishFolder, "DigitFunctions.deps.json")), StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("DigitFunctions.dll")]
    [InlineData("Digit.Backend.dll")]
    [InlineData("Digit.Inference.dll")]
    public async Task Publish_OwnAssemblies_AreCopiesThatALaterBuildLeavesAlone(string assembly)
    {
        // The build rewrites obj/'s files in place: a published file linked to one would change with the next build.
        using var stat = ServerProcess.Start("stat", ["-c", "%h", Path.Combine(host.PublishFolder, assembly)]);
        Assert.Equal(0, await stat.WaitForExitAsync(TimeSpan.FromSeconds(30)));

        Assert.Equal("1", stat.Output.Trim());
    }

    [Fact]
    public async Task Functions_PredictOnly_RegistersTheRoutesAndNoOrchestratorOrActivity()
    {
        // functions.metadata is what the worker registers with the host: every function and its bindings.
        using var metadata = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(host.PublishFolder, "functions.metadata")));
        var functions = metadata.RootElement.EnumerateArray().ToArray();
        var names = functions.Select(function => function.GetProperty("name").GetString()).ToArray();
        var triggers = functions
            .SelectMany(function => function.GetProperty("bindings").EnumerateArray())
            .Select(binding => binding.GetProperty("type").GetString())
            .Distinct()
            .ToArray();

        Assert.Contains("Drawing", names);
        Assert.Contains("RetrainModel", names);
        Assert.DoesNotContain("RetrainOrchestrator", names);
        Assert.DoesNotContain("TrainEpoch", names);
        Assert.All(triggers, trigger => Assert.True(trigger is "httpTrigger" or "http", $"a {trigger} binding is registered"));
    }

    [Fact]
    public async Task Predict_PredictOnly_AnswersAsTheFullAppDoes()
    {
        using var prediction = await host.Client.PostAsync("/api/drawing/", Drawings.Body(Drawings.FrontendDataUrl(MnistFolder.Test, 0)));
        var body = await prediction.Content.ReadFromJsonAsync<JsonElement>();
        var health = await host.GetJsonAsync("/");
        var accuracy = await host.GetJsonAsync("/api/model_accuracy/");
        var versions = await host.GetJsonAsync("/api/model_versions/");

        Assert.Equal(HttpStatusCode.OK, prediction.StatusCode);
        Assert.Equal(MnistFolder.Test.Labels[0], body.GetProperty("prediction").GetInt32());
        Assert.True(health.GetProperty("ready").GetBoolean());
        Assert.InRange(accuracy.GetProperty("accuracy").GetDouble(), 0.98, 1.0);
        Assert.Equal(health.GetProperty("model_version").GetString(), versions.GetProperty("served").GetString());
    }

    [Fact]
    public async Task PostFeedback_PredictOnly_IsStoredAndCounted()
    {
        using var stored = await host.PostFeedbackAsync(Drawings.FrontendDataUrl(MnistFolder.Test, 7), MnistFolder.Test.Labels[7]);
        var count = await host.GetJsonAsync("/api/feedback/count/");

        Assert.True(stored.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, $"POST /api/feedback/ answered {(int)stored.StatusCode}");
        Assert.True(count.GetProperty("total").GetInt32() >= 1);
    }

    [Theory]
    [InlineData("/api/retrain_model/")]
    [InlineData("/api/stop_training/")]
    public async Task PostTraining_PredictOnly_Is503NamingTheTrainingApp(string route)
    {
        using var answer = await host.Client.PostAsync(route, null);
        var problem = await answer.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, answer.StatusCode);
        Assert.Equal("application/problem+json", answer.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Training runs in the training app", problem.GetProperty("error").GetString());
        Assert.Equal($"{PredictOnlyFunctionsHost.TrainingAppUrl}{route}", problem.GetProperty("training_app").GetString());
        Assert.Contains(PredictOnlyFunctionsHost.TrainingAppUrl, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.False(answer.Headers.Contains("Retry-After"));
    }

    [Fact]
    public async Task Status_ARunTheTrainingAppBegan_IsWhatThePredictOnlyAppReports()
    {
        // The training app records its runs in the Redis both apps share; this one only reads them.
        var store = new RedisRunStore(host.Redis.Connection, "digit:", TimeProvider.System, NullLogger<RedisRunStore>.Instance);
        var runId = $"predict-only-{Guid.NewGuid():N}";
        Assert.True(await store.TryBeginAsync(new RetrainInput(runId, 3, 64, 42), TimeSpan.FromMinutes(5), CancellationToken.None));
        try
        {
            var status = await host.ModelStatusAsync();
            var progress = await host.GetJsonAsync("/api/training_progress/");
            var run = await host.GetJsonAsync($"/api/runs/{runId}/");

            Assert.Equal("in_progress", status);
            Assert.Equal(3, progress.GetProperty("max_epochs").GetInt32());
            Assert.Equal(runId, run.GetProperty("instanceId").GetString());
            Assert.Equal("Running", run.GetProperty("runtimeStatus").GetString());
        }
        finally
        {
            await store.FinishAsync(runId, new RunEnd(TrainingStatus.Interrupted, "ended by the test"), CancellationToken.None);
        }
    }
}
