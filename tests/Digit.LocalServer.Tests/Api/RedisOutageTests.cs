using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Digit.LocalServer.Tests.Support;
using Digit.Testing;

namespace Digit.LocalServer.Tests.Api;

/// <summary>
/// A real redis-server killed and started again under a local server that keeps its run state there: every route
/// answers within a second during the outage, the progress stream goes on (stale) and closes only on a real end, a
/// run survives an outage shorter than its lease, and a longer one (or a Redis that comes back empty) ends it once,
/// with its worker stopping itself and publishing nothing.
/// </summary>
public sealed class RedisOutageTests : IAsyncLifetime
{
    private RedisServerFixture _redis = null!;
    private InProcessLocalServer? _server;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
        await _redis.DisposeAsync();
    }

    [Fact]
    [Trait("Category", "Timing")]
    public async Task DuringAnOutage_EveryRouteAnswersWithinASecond_AndTheStreamGoesOnStale()
    {
        var server = await StartAsync(persistent: true, leaseSeconds: 30, samples: 60_000);
        using (var started = await server.Client.PostAsync("/api/retrain_model/", null))
        {
            Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        }
        await server.WaitUntilAsync(async () => await server.TrainingPercentageAsync() > 0, TimeSpan.FromMinutes(1), "the epoch to be under way");
        var stream = ProgressEvents.ReadAllAsync(server.Client, TimeSpan.FromSeconds(8));

        await Task.Delay(1000);
        _redis.Kill();
        await Task.Delay(500);
        var answers = new List<(string Route, HttpStatusCode Status, double Seconds, string? RetryAfter, string? Type)>();
        foreach (var (method, route) in new[]
        {
            ("GET", "/"), ("POST", "/api/drawing/"), ("GET", "/api/model_accuracy/"), ("GET", "/api/check_model_status/"),
            ("GET", "/api/training_progress/"), ("GET", "/api/runs/0123456789abcdef0123456789abcdef/"),
            ("POST", "/api/retrain_model/"), ("POST", "/api/stop_training/"),
        })
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), route)
            {
                Content = route == "/api/drawing/" ? Drawings.Body(Drawings.FrontendDataUrl(MnistFolder.Test, 0)) : null,
            };
            var clock = Stopwatch.StartNew();
            using var response = await server.Client.SendAsync(request);
            answers.Add((route, response.StatusCode, clock.Elapsed.TotalSeconds, response.Headers.RetryAfter?.ToString(), response.Content.Headers.ContentType?.MediaType));
        }
        var events = await stream.WaitAsync(TimeSpan.FromSeconds(30)).ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : null);

        Assert.All(answers, a => Assert.True(a.Seconds < 1, $"{a.Route} answered after {a.Seconds:F2} s"));
        Assert.All(answers.Take(3), a => Assert.Equal(HttpStatusCode.OK, a.Status));
        Assert.All(answers.Skip(3), a =>
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, a.Status);
            Assert.Equal("1", a.RetryAfter);
            Assert.Equal("application/problem+json", a.Type);
        });
        Assert.Null(events); // The stream did not close during the outage: it was still open when the reader gave up.
    }

    [Fact]
    [Trait("Category", "Timing")]
    public async Task StreamDuringAnOutage_SendsAnEventEverySecondMarkedStale()
    {
        var server = await StartAsync(persistent: true, leaseSeconds: 30, samples: 60_000);
        using (await server.Client.PostAsync("/api/retrain_model/", null))
        {
        }
        await server.WaitUntilAsync(async () => await server.TrainingPercentageAsync() > 0, TimeSpan.FromMinutes(1), "the epoch to be under way");

        using var cancel = new CancellationTokenSource();
        var events = new List<ProgressEvents.Event>();
        var reading = ProgressEvents.ReadAsync(server.Client, events, cancel.Token);
        await Task.Delay(1500);
        _redis.Kill();
        await Task.Delay(4000);
        await cancel.CancelAsync();
        await reading;

        var during = events.Where(e => e.At > TimeSpan.FromSeconds(2)).ToArray();
        Assert.True(during.Length >= 4, $"{during.Length} events in the 3.5 s of outage");
        Assert.All(during, e => Assert.True(e.Data.GetProperty("stale").GetBoolean()));
        Assert.All(during, e => Assert.True(e.Data.GetProperty("percentage").GetDouble() > 0));
        Assert.DoesNotContain(events, e => e.IsClose());
        var gaps = events.Zip(events.Skip(1), (a, b) => (b.At - a.At).TotalSeconds).ToArray();
        Assert.True(gaps.Max() < 1, $"longest gap between events: {gaps.Max():F2} s");
    }

    [Fact]
    [Trait("Category", "Timing")]
    public async Task OutageShorterThanTheLease_TheRunGoesOnAndPublishes()
    {
        var server = await StartAsync(persistent: true, leaseSeconds: 10, samples: 12_000);
        var before = await server.ModelVersionAsync();
        using (await server.Client.PostAsync("/api/retrain_model/", null))
        {
        }
        await server.WaitUntilAsync(async () => await server.TrainingPercentageAsync() is > 0 and < 100, TimeSpan.FromMinutes(1), "the epoch to be under way");

        _redis.Kill();
        await Task.Delay(3000);
        await _redis.RestartAsync();
        await server.WaitUntilAsync(async () => await StatusOrNullAsync(server) is "completed" or "interrupted" or "error", TimeSpan.FromMinutes(3), "the run to end");

        Assert.Equal("completed", await server.ModelStatusAsync());
        await server.WaitUntilAsync(async () => await server.ModelVersionAsync() != before, TimeSpan.FromSeconds(5), "the new model to be served");
    }

    [Fact]
    [Trait("Category", "Timing")]
    public async Task OutageLongerThanTheLease_EndsTheRunInterruptedOnce_AndTheWorkerStopsItself()
    {
        var server = await StartAsync(persistent: true, leaseSeconds: 3, samples: 60_000);
        var before = await server.ModelVersionAsync();
        using (await server.Client.PostAsync("/api/retrain_model/", null))
        {
        }
        await server.WaitUntilAsync(async () => await server.TrainingPercentageAsync() is > 0 and < 100, TimeSpan.FromMinutes(1), "the epoch to be under way");

        _redis.Kill();
        await server.WaitUntilAsync(() => Task.FromResult(server.Output.Contains("no heartbeat got through for the whole lease")), TimeSpan.FromSeconds(10), "the worker to stop itself");
        await server.WaitUntilAsync(() => Task.FromResult(server.Output.Contains("ended (LostRun)")), TimeSpan.FromSeconds(5), "the epoch to end");
        await Task.Delay(2000);
        await _redis.RestartAsync();
        await server.WaitUntilAsync(async () => await StatusOrNullAsync(server) == "interrupted", TimeSpan.FromSeconds(20), "the run to be marked interrupted");
        await Task.Delay(3000); // a few more sweeps

        var endings = server.Output.Split('\n').Count(line =>
            line.Contains("finished interrupted", StringComparison.Ordinal) && line.Contains("Training run", StringComparison.Ordinal)
            || line.Contains("lost its lease and was marked interrupted", StringComparison.Ordinal));
        Assert.Equal(1, endings);
        Assert.Equal(before, await server.ModelVersionAsync());
        Assert.Single(Directory.EnumerateFiles(Path.Combine(server.ModelDirectory, "versions"), "*.onnx"));
        var checkpoints = Path.Combine(server.ModelDirectory, "checkpoints");
        Assert.True(!Directory.Exists(checkpoints) || !Directory.EnumerateFiles(checkpoints).Any(), "a checkpoint was left behind");
    }

    [Fact]
    [Trait("Category", "Timing")]
    public async Task RedisComesBackEmpty_TheWorkerStopsWithinTwoSecondsAndPublishesNothing()
    {
        var server = await StartAsync(persistent: false, leaseSeconds: 30, samples: 60_000);
        var before = await server.ModelVersionAsync();
        using (await server.Client.PostAsync("/api/retrain_model/", null))
        {
        }
        await server.WaitUntilAsync(async () => await server.TrainingPercentageAsync() is > 0 and < 100, TimeSpan.FromMinutes(1), "the epoch to be under way");

        _redis.Kill();
        await _redis.RestartAsync();
        var clock = Stopwatch.StartNew();
        await server.WaitUntilAsync(() => Task.FromResult(server.Output.Contains("ended (LostRun)")), TimeSpan.FromSeconds(10), "the worker to stop");
        var seconds = clock.Elapsed.TotalSeconds;
        await Task.Delay(1000);

        Assert.True(seconds < 2, $"the worker went on for {seconds:F2} s after Redis came back without its run");
        Assert.Equal(before, await server.ModelVersionAsync());
        Assert.Equal("not_started", await server.ModelStatusAsync());
        Assert.Single(Directory.EnumerateFiles(Path.Combine(server.ModelDirectory, "versions"), "*.onnx"));
    }

    private async Task<InProcessLocalServer> StartAsync(bool persistent, int leaseSeconds, int samples)
    {
        _redis = new RedisServerFixture { Persistent = persistent };
        await _redis.InitializeAsync();
        _server = await InProcessLocalServer.StartAsync(new Dictionary<string, string?>
        {
            ["REDIS_URL"] = $"redis://{_redis.Configuration}/0",
            ["REDIS_KEY_PREFIX"] = RedisServerFixture.NewKeyPrefix(),
            ["TRAINING_LEASE_SECONDS"] = leaseSeconds.ToString(),
            ["TRAINING_SAMPLES"] = samples.ToString(),
            ["TRAINING_EPOCHS"] = "1",
        });
        return _server;
    }

    private static async Task<string?> StatusOrNullAsync(InProcessLocalServer server)
    {
        using var response = await server.Client.GetAsync("/api/check_model_status/");
        return response.IsSuccessStatusCode ? (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("model_status").GetString() : null;
    }
}
