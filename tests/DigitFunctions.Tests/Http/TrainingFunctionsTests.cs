using Digit.Backend.Retraining;
using Digit.Backend.Runs;
using Digit.Functions.Http;
using Digit.Functions.Tests.TestSupport;
using Digit.Testing;
using Microsoft.Extensions.DependencyInjection;

using static Digit.Functions.Tests.TestSupport.TriggerCalls;

namespace Digit.Functions.Tests.Http;

/// <summary>
/// The training triggers during a real orchestration run (in-process Durable host, real Redis): status, progress,
/// the progress stream, a second start refused, and the stop trigger ending the run with the stream closed.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class TrainingFunctionsTests(RedisServerFixture redis)
{
    [Fact]
    public async Task Triggers_DuringARun_AnswerFromTheRunStoreAndStopIt()
    {
        await using var host = await RetrainTestHost.StartAsync(redis, samples: 30_000, epochs: 3, RetrainTestHost.FastRetry);
        var functions = ActivatorUtilities.CreateInstance<TrainingFunctions>(host.Services);
        var runId = await host.StartRunAsync();
        await host.WaitForProgressAsync(progress => progress.Percentage > 0);

        var status = await ExecuteAsync(host.Services, await functions.CheckModelStatus(NewRequest(host.Services), CancellationToken.None));
        var progress = await ExecuteAsync(host.Services, await functions.TrainingProgress(NewRequest(host.Services), CancellationToken.None));
        var run = await ExecuteAsync(host.Services, await functions.Run(NewRequest(host.Services), runId, CancellationToken.None));
        var second = await ExecuteAsync(host.Services, await functions.RetrainModel(NewRequest(host.Services), host.Client, CancellationToken.None));
        var streamContext = NewContext(host.Services);
        var streaming = functions.Progress(streamContext.Request).ExecuteAsync(streamContext);
        var stop = await ExecuteAsync(host.Services, await functions.StopTraining(NewRequest(host.Services), host.Client, CancellationToken.None));
        var ended = await host.WaitForEndAsync(runId);
        await streaming.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal((200, "in_progress"), (status.Status, status.Body.GetProperty("model_status").GetString()));
        Assert.Equal(200, progress.Status);
        Assert.Equal(3, progress.Body.GetProperty("max_epochs").GetInt32());
        Assert.True(progress.Body.GetProperty("percentage").GetDouble() > 0);
        Assert.Equal((200, "Running"), (run.Status, run.Body.GetProperty("runtimeStatus").GetString()));
        Assert.Equal(409, second.Status);
        Assert.StartsWith("Training is already in progress", second.Body.GetProperty("message").GetString());
        Assert.Equal((200, "Stop signal sent."), (stop.Status, stop.Body.GetProperty("message").GetString()));
        Assert.Equal(TrainingStatus.Interrupted, ended.ReadOutputAs<RunOutcome>()!.Status);
        Assert.Equal("text/event-stream", streamContext.Response.ContentType);
        var events = Events(streamContext);
        Assert.Contains(events, e => e.TryGetProperty("percentage", out _));
        Assert.Equal("interrupted", events[^1].GetProperty("reason").GetString());
    }
}
