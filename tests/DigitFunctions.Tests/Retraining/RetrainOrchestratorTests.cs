using Digit.Functions.Retraining;
using Digit.Functions.Tests.TestSupport;
using Digit.Service.Api;
using Digit.Service.Retraining;
using Digit.Service.Tests.TestSupport;
using Digit.Service.Training;
using DurableTask.Core.Exceptions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.DurableTask.Client;

namespace Digit.Functions.Tests.Retraining;

[Collection(RedisCollection.Name)]
public sealed class RetrainOrchestratorTests(RedisServerFixture redis)
{
    [Fact]
    public async Task Run_AllEpochsTrain_PublishesTheModelAndCompletes()
    {
        await using var host = await RetrainTestHost.StartAsync(redis, samples: 512);

        var input = await host.StartRunAsync(epochs: 2);
        var ended = await host.WaitForEndAsync(input.RunId);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, ended.RuntimeStatus);
        var result = ended.ReadOutputAs<RetrainResult>()!;
        Assert.Equal(TrainingStatus.Completed, result.Status);
        Assert.InRange(result.Accuracy!.Value, 0.3, 1.0);
        var current = await host.Models.GetCurrentAsync(CancellationToken.None);
        Assert.Equal(result.ModelVersion, current?.Version);
        Assert.Equal(result.Accuracy, current?.Accuracy);
        Assert.Equal(TrainingStatus.Completed, await host.State.GetStatusAsync(CancellationToken.None));
        Assert.Null(await host.State.GetActiveRunIdAsync(CancellationToken.None));
        Assert.Null(await host.Models.ReadCheckpointAsync(input.RunId, CancellationToken.None));
        Assert.Contains("\"completed\"", ended.SerializedCustomStatus);
    }

    [Fact]
    public async Task Run_StopRequestedMidEpoch_EndsInterruptedAndPublishesNothing()
    {
        await using var host = await RetrainTestHost.StartAsync(redis, samples: 30_000, RetrainTestHost.FastRetry);
        var launcher = new DurableRetrainLauncher(host.Client);

        var input = await host.StartRunAsync(epochs: 3);
        await host.WaitForProgressAsync(progress => progress.Percentage > 0);
        // What the stop trigger does: the flag in Redis and the StopTraining event.
        var answer = await TrainingHandlers.PostStopTraining(host.State, launcher, CancellationToken.None);
        var ended = await host.WaitForEndAsync(input.RunId);

        Assert.Equal("Stop signal sent.", Assert.IsType<Ok<MessageResponse>>(answer).Value!.Message);
        var result = ended.ReadOutputAs<RetrainResult>()!;
        Assert.Equal(TrainingStatus.Interrupted, result.Status);
        Assert.Equal("Stopped during epoch 1 of 3; the served model was kept.", result.Message);
        Assert.Null(await host.Models.GetCurrentAsync(CancellationToken.None));
        Assert.Null(await host.Models.ReadCheckpointAsync(input.RunId, CancellationToken.None));
        var run = await host.State.GetRunAsync(input.RunId, CancellationToken.None);
        Assert.Equal(TrainingStatus.Interrupted, run!.Status);
        Assert.Equal(result.Message, run.Message);
    }

    [Fact]
    public async Task Run_StopEventAlone_EndsInterruptedAfterTheRunningEpoch()
    {
        await using var host = await RetrainTestHost.StartAsync(redis, samples: 1_024, RetrainTestHost.FastRetry);

        var input = await host.StartRunAsync(epochs: 3);
        await host.WaitForProgressAsync(progress => progress.Percentage > 0);
        // Only the event, no stop flag: the epoch runs to its end, then the orchestration must not start another.
        await new DurableRetrainLauncher(host.Client).SignalStopAsync(input.RunId, CancellationToken.None);
        var ended = await host.WaitForEndAsync(input.RunId);

        var result = ended.ReadOutputAs<RetrainResult>()!;
        Assert.Equal(TrainingStatus.Interrupted, result.Status);
        Assert.Equal(TrainingStatus.Interrupted, await host.State.GetStatusAsync(CancellationToken.None));
        Assert.Null(await host.Models.GetCurrentAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Run_EpochFailsOnce_RetriesFromTheCheckpointAndCompletes()
    {
        FaultyModelStore? models = null;
        await using var host = await RetrainTestHost.StartAsync(
            redis, samples: 512, RetrainTestHost.FastRetry, inner => models = new FaultyModelStore(inner) { FailingSave = 2 });

        var input = await host.StartRunAsync(epochs: 2);
        var ended = await host.WaitForEndAsync(input.RunId);

        var result = ended.ReadOutputAs<RetrainResult>()!;
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
    public async Task Run_PublishFails_EndsInErrorWithThePublishMessage()
    {
        const string Failure = "The model container refused the upload (403 AuthorizationFailure).";
        FaultyModelStore? models = null;
        await using var host = await RetrainTestHost.StartAsync(
            redis, samples: 256, RetrainTestHost.FastRetry, inner => models = new FaultyModelStore(inner) { PublishFailure = new InvalidOperationException(Failure) });

        var input = await host.StartRunAsync(epochs: 1);
        var ended = await host.WaitForEndAsync(input.RunId);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, ended.RuntimeStatus);
        var result = ended.ReadOutputAs<RetrainResult>()!;
        Assert.Equal(TrainingStatus.Error, result.Status);
        Assert.Equal(Failure, result.Message);
        Assert.Equal(RetrainTestHost.FastRetry.MaxNumberOfAttempts, models!.PublishAttempts);
        var run = await host.State.GetRunAsync(input.RunId, CancellationToken.None);
        Assert.Equal(TrainingStatus.Error, run!.Status);
        Assert.Equal(Failure, run.Message);
        Assert.Null(await host.Models.GetCurrentAsync(CancellationToken.None));
    }

    [Fact]
    public async Task LaunchAsync_InstanceStillRunning_RefusesBothWays()
    {
        await using var host = await RetrainTestHost.StartAsync(redis, samples: 30_000, RetrainTestHost.FastRetry);
        var launcher = new DurableRetrainLauncher(host.Client);
        var input = await host.StartRunAsync(epochs: 3);
        await host.WaitForProgressAsync(progress => progress.Percentage > 0);

        // The look-up answers 409 (after the short grace for an instance that is just finishing) ...
        await Assert.ThrowsAsync<RetrainAlreadyRunningException>(() => launcher.LaunchAsync(input, null!, CancellationToken.None));
        // ... and so does the backend when a start races past the look-up.
        await Assert.ThrowsAsync<OrchestrationAlreadyExistsException>(() => host.Client.ScheduleNewOrchestrationInstanceAsync(
            nameof(RetrainOrchestrator), input, DurableRetrainLauncher.StartOptions(input.RunId), CancellationToken.None));

        await TrainingHandlers.PostStopTraining(host.State, launcher, CancellationToken.None);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, (await host.WaitForEndAsync(input.RunId)).RuntimeStatus);
    }
}
