using System.Diagnostics;
using Digit.Backend.Retraining;
using Digit.Backend.Retraining.Steps;
using Digit.Backend.Runs;
using Digit.Inference.Models;
using Digit.Functions.Tests.TestSupport;
using Digit.Testing;
using Digit.Testing.Hosts;
using Microsoft.DurableTask.Client;
using StackExchange.Redis;

namespace Digit.Functions.Tests.Retraining;

/// <summary>
/// The real orchestration and activities in an in-process Durable host with real Redis: whole runs, stops at every
/// stage, retries, failures, and the ownership rules that keep each run's identity and state its own.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class RetrainOrchestratorTests(RedisServerFixture redis)
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task Run_AllEpochsTrain_PublishesTheModelAndCompletes()
    {
        await using var host = await RetrainTestHost.StartAsync(redis, samples: 512);

        var runId = await host.StartRunAsync();
        var ended = await host.WaitForEndAsync(runId);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, ended.RuntimeStatus);
        var result = ended.ReadOutputAs<RunOutcome>()!;
        Assert.Equal(TrainingStatus.Completed, result.Status);
        Assert.InRange(result.Accuracy!.Value, 0.3, 1.0);
        var current = await host.Models.GetCurrentAsync(None);
        Assert.Equal(result.ModelVersion, current?.Version);
        Assert.Equal(result.Accuracy, current?.Accuracy);
        Assert.Equal(runId, current?.Origin);
        Assert.Equal(TrainingStatus.Completed, await host.Runs.GetStatusAsync(None));
        Assert.Null(await host.Runs.GetActiveRunIdAsync(None));
        Assert.Empty(await host.Models.ListCheckpointsAsync(None));
        // The documented shapes: camelCase, the status as a word, the epochs kept at the end.
        Assert.Contains("\"stage\":\"completed\"", ended.SerializedCustomStatus);
        Assert.Contains("\"epochsDone\":2", ended.SerializedCustomStatus);
        Assert.Contains("\"status\":\"completed\"", ended.SerializedOutput);
        Assert.Contains($"\"modelVersion\":\"{result.ModelVersion}\"", ended.SerializedOutput);
    }

    [Fact]
    public async Task Run_StopRequestedMidEpoch_EndsInterruptedAndPublishesNothing()
    {
        await using var host = await RetrainTestHost.StartAsync(redis, samples: 30_000, epochs: 3, RetrainTestHost.FastRetry);

        var runId = await host.StartRunAsync();
        await host.WaitForProgressAsync(progress => progress.Percentage > 0);
        Assert.Equal(runId, await host.StopRunAsync());
        var ended = await host.WaitForEndAsync(runId);

        var result = ended.ReadOutputAs<RunOutcome>()!;
        Assert.Equal(TrainingStatus.Interrupted, result.Status);
        Assert.Equal("Stopped during epoch 1 of 3; the served model was kept.", result.Message);
        Assert.Null(await host.Models.GetCurrentAsync(None));
        Assert.Empty(await host.Models.ListCheckpointsAsync(None));
        var run = await host.Runs.GetRunAsync(runId, None);
        Assert.Equal(TrainingStatus.Interrupted, run!.Status);
        Assert.Equal(result.Message, run.Message);
    }

    [Fact]
    public async Task Run_StopEventAlone_EndsInterruptedAfterTheRunningEpoch()
    {
        await using var host = await RetrainTestHost.StartAsync(redis, samples: 1_024, epochs: 3, RetrainTestHost.FastRetry);

        var runId = await host.StartRunAsync();
        await host.WaitForProgressAsync(progress => progress.Percentage > 0);
        // Only the event, no stop flag: the epoch runs to its end, then the orchestration must not start another.
        await host.Executor.SignalStopAsync(runId, None);
        var ended = await host.WaitForEndAsync(runId);

        Assert.Equal(TrainingStatus.Interrupted, ended.ReadOutputAs<RunOutcome>()!.Status);
        Assert.Equal(TrainingStatus.Interrupted, await host.Runs.GetStatusAsync(None));
        Assert.Null(await host.Models.GetCurrentAsync(None));
    }

    [Fact]
    public async Task Run_StopEventDuringAnEpoch_StartsNoFurtherEpoch()
    {
        FaultyModelStore? models = null;
        await using var host = await RetrainTestHost.StartAsync(
            redis, samples: 512, epochs: 3, RetrainTestHost.FastRetry, inner => models = new FaultyModelStore(inner) { GatedSave = 1 });

        var runId = await host.StartRunAsync();
        // Epoch 1 has trained and waits to save: the event (no stop flag, which the next epoch would see itself)
        // reaches the orchestration before epoch 1 ends, so only the orchestrator's look between epochs can stop it.
        await models!.CheckpointSaveWaiting.Task.WaitAsync(TimeSpan.FromMinutes(2));
        await host.Executor.SignalStopAsync(runId, None);
        models.CheckpointSaveGate.SetResult();
        var ended = await host.WaitForEndAsync(runId);

        var result = ended.ReadOutputAs<RunOutcome>()!;
        Assert.Equal(TrainingStatus.Interrupted, result.Status);
        Assert.Equal("Stopped during epoch 2 of 3; the served model was kept.", result.Message);
        // Epoch 1 read no checkpoint and saved one; no other epoch began.
        Assert.Single(models.CheckpointReadsByRun);
        Assert.Equal(1, models.SaveAttempts);
        Assert.Contains("\"epochsDone\":1", ended.SerializedCustomStatus);
        Assert.Contains("\"stage\":\"interrupted\"", ended.SerializedCustomStatus);
        Assert.Null(await host.Models.GetCurrentAsync(None));
        Assert.Equal(TrainingStatus.Interrupted, await host.Runs.GetStatusAsync(None));
    }

    [Fact]
    public async Task Run_StopWhilePublishing_EndsInterruptedAndPublishesNothing()
    {
        FaultyModelStore? models = null;
        // Read 1 is the epoch's (no checkpoint yet); read 2 is the publish step's.
        await using var host = await RetrainTestHost.StartAsync(
            redis, samples: 512, epochs: 1, RetrainTestHost.FastRetry, inner => models = new FaultyModelStore(inner) { GatedCheckpointRead = 2 });

        var runId = await host.StartRunAsync();
        await models!.CheckpointReadWaiting.Task.WaitAsync(TimeSpan.FromMinutes(2));
        Assert.Equal(runId, await host.StopRunAsync());
        models.CheckpointReadGate.SetResult();
        var ended = await host.WaitForEndAsync(runId);

        var result = ended.ReadOutputAs<RunOutcome>()!;
        Assert.Equal(TrainingStatus.Interrupted, result.Status);
        Assert.Equal("Stopped while publishing; the served model was kept.", result.Message);
        Assert.Null(await host.Models.GetCurrentAsync(None));
        Assert.Empty(await host.Models.ListVersionsAsync(None));
        Assert.Equal(TrainingStatus.Interrupted, await host.Runs.GetStatusAsync(None));
    }

    [Fact]
    public async Task Run_LostWhileItsModelIsStored_LeavesTheServedModelServed()
    {
        FaultyModelStore? models = null;
        await using var host = await StartGatedAsync(inner => models = new FaultyModelStore(inner) { GatedStore = 2 });
        // Store 1 is this one, store 2 the run's.
        var served = await host.Models.PublishAsync(await File.ReadAllBytesAsync(DigitHost.ShippedModel), 0.9952, None);

        var runId = await host.StartRunAsync();
        var stored = await models!.StoreWaiting.Task.WaitAsync(TimeSpan.FromMinutes(2));
        // What the sweeper does to a run whose lease ran out: the run is ended elsewhere while its model is stored.
        Assert.True(await host.Runs.FinishAsync(runId, new RunEnd(TrainingStatus.Interrupted, "lease ran out"), None));
        models.StoreGate.SetResult();
        var ended = await host.WaitForEndAsync(runId);

        Assert.Equal(TrainingStatus.Interrupted, ended.ReadOutputAs<RunOutcome>()!.Status);
        Assert.Equal(served.Version, (await host.Models.GetCurrentAsync(None))?.Version);
        Assert.Contains(stored.Version, (await host.Models.ListVersionsAsync(None)).Select(version => version.Version));
        Assert.Equal("lease ran out", (await host.Runs.GetRunAsync(runId, None))!.Message);
    }

    [Fact]
    public async Task Run_AnotherModelMadeCurrentWhilePublishing_StoresItsModelButKeepsTheNewerOne()
    {
        FaultyModelStore? models = null;
        await using var host = await StartGatedAsync(inner => models = new FaultyModelStore(inner) { GatedStore = 2 });
        // Store 1 is this one, store 2 the run's.
        await host.Models.PublishAsync(await File.ReadAllBytesAsync(DigitHost.ShippedModel), 0.9952, None);

        var runId = await host.StartRunAsync();
        var stored = await models!.StoreWaiting.Task.WaitAsync(TimeSpan.FromMinutes(2));
        // An operator makes another version current after the run judged its model against the one before.
        var newer = await host.Models.PublishAsync(await File.ReadAllBytesAsync(DigitHost.ShippedModel), 0.99, None);
        models.StoreGate.SetResult();
        var ended = await host.WaitForEndAsync(runId);

        var result = ended.ReadOutputAs<RunOutcome>()!;
        Assert.Equal(TrainingStatus.Completed, result.Status);
        Assert.False(result.Served);
        Assert.Equal(stored.Version, result.ModelVersion);
        Assert.Contains(PublishModelStep.ServedModelChanged, result.Message);
        Assert.Equal(newer.Version, (await host.Models.GetCurrentAsync(None))?.Version);
    }

    /// <summary>A one-epoch run whose publish rule lets any model through, over a wrapped model store.</summary>
    private Task<RetrainTestHost> StartGatedAsync(Func<IModelStore, IModelStore> wrapModels) => RetrainTestHost.StartAsync(
        redis, samples: 512, epochs: 1, RetrainTestHost.FastRetry, wrapModels,
        settings: new Dictionary<string, string?> { ["PUBLISH_MAX_ACCURACY_DROP"] = "1" });

    [Fact]
    public async Task Run_EpochFailsOnce_RetriesFromTheCheckpointAndCompletes()
    {
        FaultyModelStore? models = null;
        await using var host = await RetrainTestHost.StartAsync(
            redis, samples: 512, epochs: 2, RetrainTestHost.FastRetry, inner => models = new FaultyModelStore(inner) { FailingSave = 2 });

        var runId = await host.StartRunAsync();
        var ended = await host.WaitForEndAsync(runId);

        var result = ended.ReadOutputAs<RunOutcome>()!;
        Assert.Equal(TrainingStatus.Completed, result.Status);
        Assert.NotNull(result.ModelVersion);
        Assert.Equal(3, models!.SaveAttempts);
        // Epoch 1 saved one checkpoint; both attempts at epoch 2 started from it, then publishing read epoch 2's.
        var saved = models.SavedCheckpoints;
        Assert.Equal(2, saved.Count);
        var reads = models.ReadCheckpoints;
        Assert.Equal(4, reads.Count);
        Assert.Null(reads[0]);
        Assert.Equal(saved[0], reads[1]);
        Assert.Equal(saved[0], reads[2]);
        Assert.Equal(saved[1], reads[3]);
    }

    [Fact]
    public async Task Run_StoringTheModelFails_EndsInErrorWithTheStoresMessage()
    {
        const string Failure = "The model container refused the upload (403 AuthorizationFailure).";
        FaultyModelStore? models = null;
        await using var host = await RetrainTestHost.StartAsync(
            redis, samples: 256, epochs: 1, RetrainTestHost.FastRetry, inner => models = new FaultyModelStore(inner) { StoreFailure = new InvalidOperationException(Failure) });

        var runId = await host.StartRunAsync();
        var ended = await host.WaitForEndAsync(runId);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, ended.RuntimeStatus);
        var result = ended.ReadOutputAs<RunOutcome>()!;
        Assert.Equal(TrainingStatus.Error, result.Status);
        Assert.Equal(Failure, result.Message);
        Assert.Equal(RetrainTestHost.FastRetry.MaxNumberOfAttempts, models!.StoreAttempts);
        var run = await host.Runs.GetRunAsync(runId, None);
        Assert.Equal(TrainingStatus.Error, run!.Status);
        Assert.Equal(Failure, run.Message);
        Assert.Null(await host.Models.GetCurrentAsync(None));
    }

    [Fact]
    public async Task Start_WhileARunIsLive_IsRefusedAndLeavesThatRunAlone()
    {
        await using var host = await RetrainTestHost.StartAsync(redis, samples: 30_000, epochs: 3, RetrainTestHost.FastRetry);
        var runId = await host.StartRunAsync();
        await host.WaitForProgressAsync(progress => progress.Percentage > 0);

        var second = await host.TryStartRunAsync();

        Assert.IsType<StartResult.AlreadyRunning>(second);
        Assert.Equal(runId, await host.Runs.GetActiveRunIdAsync(None));
        Assert.Equal(TrainingStatus.InProgress, (await host.Runs.GetRunAsync(runId, None))!.Status);
        await host.WaitForProgressAsync(progress => progress.Percentage > 5);
        await host.StopRunAsync();
        Assert.Equal(TrainingStatus.Interrupted, (await host.WaitForEndAsync(runId)).ReadOutputAs<RunOutcome>()!.Status);
    }

    [Fact]
    public async Task Start_AfterARunWasTerminated_TrainsItsFirstEpochFromScratch()
    {
        FaultyModelStore? models = null;
        await using var host = await RetrainTestHost.StartAsync(
            redis, samples: 2_048, epochs: 2, RetrainTestHost.FastRetry, inner => models = new FaultyModelStore(inner));
        var first = await host.StartRunAsync();
        await host.WaitForProgressAsync(progress => progress.EpochsDone == 1);
        await host.Client.TerminateInstanceAsync(first, "terminated by an operator", None);
        await host.Client.WaitForInstanceCompletionAsync(first, None);

        var second = await host.StartRunAsync();
        await host.WaitForProgressAsync(progress => progress.EpochsDone == 0 && progress.Percentage > 0);
        var ended = await host.WaitForEndAsync(second);

        Assert.NotEqual(first, second);
        var result = ended.ReadOutputAs<RunOutcome>()!;
        Assert.Equal(TrainingStatus.Completed, result.Status);
        var terminated = await host.Runs.GetRunAsync(first, None);
        Assert.Equal(TrainingStatus.Interrupted, terminated!.Status);
        Assert.Equal(RunCoordinator.EndedByHostMessage, terminated.Message);
        // The second run's first epoch found no checkpoint: it trained from fresh weights, not the first run's.
        Assert.False(models!.CheckpointReadsByRun.First(read => read.RunId == second).Found);
        Assert.Empty(await host.Models.ListCheckpointsAsync(None));
    }

    [Fact]
    public async Task Epoch_ItsRunEndedByTheNextStartWhileSaving_LeavesNoCheckpoint()
    {
        FaultyModelStore? models = null;
        await using var host = await RetrainTestHost.StartAsync(
            redis, samples: 2_048, epochs: 2, RetrainTestHost.FastRetry, inner => models = new FaultyModelStore(inner) { GatedSave = 2 });
        var first = await host.StartRunAsync();
        // The first run's second epoch has confirmed its run and is about to save: terminate the run and start
        // the next, which ends the first and removes its checkpoints before that save writes.
        await models!.CheckpointSaveWaiting.Task.WaitAsync(TimeSpan.FromMinutes(2));
        await host.Client.TerminateInstanceAsync(first, "terminated by an operator", None);
        await host.Client.WaitForInstanceCompletionAsync(first, None);
        var second = await host.StartRunAsync();
        Assert.Equal(TrainingStatus.Interrupted, (await host.Runs.GetRunAsync(first, None))!.Status);
        models.CheckpointSaveGate.SetResult();

        var ended = await host.WaitForEndAsync(second);

        Assert.Equal(TrainingStatus.Completed, ended.ReadOutputAs<RunOutcome>()!.Status);
        Assert.Empty(await host.Models.ListCheckpointsAsync(None));
    }

    [Fact]
    [Trait("Category", "Timing")]
    public async Task Run_ForgottenByRedis_StopsWithinTwoSecondsAndPublishesNothing()
    {
        await using var host = await RetrainTestHost.StartAsync(redis, samples: 30_000, epochs: 2, RetrainTestHost.FastRetry);
        var runId = await host.StartRunAsync();
        await host.WaitForProgressAsync(progress => progress.Percentage > 0);

        // What a Redis that came back empty looks like: none of this deployment's keys are left.
        var database = redis.Connection.GetDatabase();
        var server = redis.Connection.GetServers().Single();
        var clock = Stopwatch.StartNew();
        await foreach (var key in server.KeysAsync(pattern: host.KeyPrefix + "*"))
        {
            await database.KeyDeleteAsync(key);
        }
        var ended = await host.WaitForEndAsync(runId);
        var seconds = clock.Elapsed.TotalSeconds;

        var result = ended.ReadOutputAs<RunOutcome>()!;
        Assert.Equal(TrainingStatus.Interrupted, result.Status);
        Assert.Contains("ended elsewhere", result.Message);
        Assert.True(seconds < 2, $"the worker went on for {seconds:F2} s after Redis forgot its run");
        Assert.Null(await host.Models.GetCurrentAsync(None));
        Assert.Empty(await host.Models.ListVersionsAsync(None));
        Assert.Empty(await host.Models.ListCheckpointsAsync(None));
        Assert.Null(await host.Runs.GetActiveRunIdAsync(None));
    }
}
