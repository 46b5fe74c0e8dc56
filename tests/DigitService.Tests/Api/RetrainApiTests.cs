using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Digit.Service.Tests.TestSupport;

namespace Digit.Service.Tests.Api;

/// <summary>
/// Retraining through the contract on the real local server, with its state in a real Redis: start, watch
/// the progress stream, single-run rule, stop at any moment, publish, and recovery after a crash.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class RetrainApiTests(RedisServerFixture redis) : IAsyncLifetime
{
    private readonly string _keyPrefix = RedisServerFixture.NewKeyPrefix();
    private LocalServer _server = null!;

    public async Task InitializeAsync() => _server = await StartServerAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Retrain_FollowedToTheEnd_PublishesAndServesTheNewModel()
    {
        var before = await _server.ModelVersionAsync();

        using var started = await _server.Client.PostAsync("/api/retrain_model/", null);
        var events = await ProgressEvents.ReadAllAsync(_server.Client, TimeSpan.FromMinutes(3));

        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var body = await started.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Model creation started", body.GetProperty("message").GetString());
        var close = events[^1];
        Assert.True(close.IsClose());
        Assert.Equal("completed", close.Data.GetProperty("reason").GetString());
        var progress = events.Where(e => !e.IsClose()).ToArray();
        Assert.NotEmpty(progress);
        Assert.All(progress, e => Assert.Equal(2, e.Data.GetProperty("max_epochs").GetInt32()));
        Assert.Contains(progress, e => e.Data.GetProperty("percentage").GetDouble() is > 0 and < 100);
        Assert.Contains(progress, e => e.Data.GetProperty("epoch").GetInt32() == 1 && e.Data.GetProperty("accuracy").GetString()!.Split('.')[1].Length == 2);
        var gaps = events.Zip(events.Skip(1), (a, b) => b.At - a.At).ToArray();
        var longest = Array.IndexOf(gaps, gaps.Max());
        Assert.True(gaps[longest] < TimeSpan.FromSeconds(1),
            $"longest gap between events: {gaps[longest].TotalSeconds:F2} s, before event {longest + 1} of {events.Count}: {events[longest + 1].Data}");

        Assert.Equal("completed", await _server.ModelStatusAsync());
        var status = await _server.Client.GetFromJsonAsync<JsonElement>(body.GetProperty("statusQueryGetUri").GetString());
        Assert.Equal(body.GetProperty("id").GetString(), status.GetProperty("instanceId").GetString());
        Assert.Equal("Completed", status.GetProperty("runtimeStatus").GetString());
        var accuracy = status.GetProperty("output").GetProperty("accuracy").GetDouble();
        Assert.True(status.TryGetProperty("createdTime", out _) && status.TryGetProperty("lastUpdatedTime", out _));
        // The frontend asks for the accuracy as soon as the stream closes: it must already be the new model's.
        Assert.Equal(accuracy, (await _server.GetJsonAsync("/api/model_accuracy/")).GetProperty("accuracy").GetDouble());
        await _server.WaitUntilAsync(async () => await _server.ModelVersionAsync() != before, TimeSpan.FromSeconds(1), "the new model to be served");
        Assert.Equal(JsonValueKind.Object, (await _server.GetJsonAsync("/api/training_progress/")).ValueKind);
        Assert.Empty((await _server.GetJsonAsync("/api/training_progress/")).EnumerateObject());
    }

    [Fact]
    public async Task Retrain_FiftyConcurrentRequests_ExactlyOneIsAccepted()
    {
        using var gate = new SemaphoreSlim(0);
        var requests = Enumerable.Range(0, 50).Select(async _ =>
        {
            await gate.WaitAsync();
            using var response = await _server.Client.PostAsync("/api/retrain_model/", null);
            return (response.StatusCode, Body: await response.Content.ReadFromJsonAsync<JsonElement>());
        }).ToArray();
        gate.Release(50);
        var responses = await Task.WhenAll(requests);
        await StopAndWaitAsync();

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Accepted);
        var conflicts = responses.Where(r => r.StatusCode == HttpStatusCode.Conflict).ToArray();
        Assert.Equal(49, conflicts.Length);
        Assert.All(conflicts, r => Assert.StartsWith("Training is already in progress", r.Body.GetProperty("message").GetString()));
    }

    [Fact]
    public async Task Retrain_AcrossTwoServersOnOneRedis_SecondServerAnswers409()
    {
        await using var other = await StartServerAsync();

        using var first = await _server.Client.PostAsync("/api/retrain_model/", null);
        using var second = await other.Client.PostAsync("/api/retrain_model/", null);
        await StopAndWaitAsync();

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
    }

    [Fact]
    public async Task StopTraining_WhileLoadingData_EndsInterruptedWithinTwoSeconds()
    {
        using var started = await _server.Client.PostAsync("/api/retrain_model/", null);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);

        var seconds = await StopAndWaitAsync();

        Assert.True(seconds < 2, $"stopped after {seconds:F2} s");
    }

    [Fact]
    public async Task StopTraining_MidEpochWithBeaconBody_EndsInterruptedAndKeepsTheServedModel()
    {
        var before = await _server.ModelVersionAsync();
        using var started = await _server.Client.PostAsync("/api/retrain_model/", null);
        await _server.WaitUntilAsync(async () => await _server.TrainingPercentageAsync() is > 0 and < 100, TimeSpan.FromMinutes(1), "the first epoch to be under way");

        var seconds = await StopAndWaitAsync(new StringContent("stop", Encoding.UTF8, "text/plain"));

        Assert.True(seconds < 2, $"stopped after {seconds:F2} s");
        await Task.Delay(500);
        Assert.Equal(before, await _server.ModelVersionAsync());
        var events = await ProgressEvents.ReadAllAsync(_server.Client, TimeSpan.FromSeconds(5));
        Assert.Equal("interrupted", Assert.Single(events).Data.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task StopTraining_BetweenEpochs_EndsInterruptedWithinTwoSeconds()
    {
        using var started = await _server.Client.PostAsync("/api/retrain_model/", null);
        await _server.WaitUntilAsync(async () => await EpochsDoneAsync() >= 1, TimeSpan.FromMinutes(1), "the first epoch to finish");

        var seconds = await StopAndWaitAsync();

        Assert.True(seconds < 2, $"stopped after {seconds:F2} s");
    }

    [Fact]
    public async Task StopTraining_NothingRunning_SaysSo()
    {
        using var response = await _server.Client.PostAsync("/api/stop_training/", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Training not in progress.", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("message").GetString());
        Assert.Equal("not_started", await _server.ModelStatusAsync());
    }

    [Fact]
    public async Task Progress_NoRunActive_ClosesAtOnceWithTheCurrentStatus()
    {
        var events = await ProgressEvents.ReadAllAsync(_server.Client, TimeSpan.FromSeconds(5));

        var close = Assert.Single(events);
        Assert.True(close.IsClose());
        Assert.Equal("not_started", close.Data.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task ServerKilledMidRun_NextServerMarksTheRunInterrupted()
    {
        using var started = await _server.Client.PostAsync("/api/retrain_model/", null);
        await _server.WaitUntilAsync(async () => await _server.TrainingPercentageAsync() > 0, TimeSpan.FromMinutes(1), "the first epoch to be under way");

        _server.Kill();
        await using var next = await StartServerAsync();

        await next.WaitUntilAsync(async () => await next.ModelStatusAsync() == "interrupted", TimeSpan.FromSeconds(10), "the abandoned run to be marked interrupted");
        using var again = await next.Client.PostAsync("/api/retrain_model/", null);
        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        await StopAndWaitAsync(next);
    }

    private Task<LocalServer> StartServerAsync() => LocalServer.StartAsync(new Dictionary<string, string?>
    {
        ["REDIS_URL"] = $"redis://{redis.Configuration}/0",
        ["REDIS_KEY_PREFIX"] = _keyPrefix,
        ["TRAINING_LEASE_SECONDS"] = "3",
    });

    /// <summary>Sends the stop and returns the seconds until the status is interrupted.</summary>
    private Task<double> StopAndWaitAsync(HttpContent? body = null) => StopAndWaitAsync(_server, body);

    private static async Task<double> StopAndWaitAsync(LocalServer server, HttpContent? body = null)
    {
        var clock = Stopwatch.StartNew();
        using var response = await server.Client.PostAsync("/api/stop_training/", body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Stop signal sent.", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("message").GetString());
        await server.WaitUntilAsync(async () => await server.ModelStatusAsync() == "interrupted", TimeSpan.FromSeconds(10), "the run to end interrupted");
        return clock.Elapsed.TotalSeconds;
    }

    private async Task<int> EpochsDoneAsync()
    {
        var progress = await _server.GetJsonAsync("/api/training_progress/");
        return progress.TryGetProperty("epoch", out var epoch) ? epoch.GetInt32() : 0;
    }
}
