using Digit.Backend.Retraining;
using Digit.Backend.Runs;

namespace Digit.Backend.Tests.Retraining;

/// <summary>Every way a run can go, over steps that follow a script and write down each call.</summary>
public sealed class RetrainWorkflowTests
{
    private const string RunId = "run-1";

    [Fact]
    public async Task RunAsync_EveryStepDone_TrainsEachEpochThenPublishesThenFinishesCompleted()
    {
        var steps = new ScriptedSteps();

        var outcome = await RetrainWorkflow.RunAsync(Input(epochs: 2), steps, CancellationToken.None);

        Assert.Equal(["check", "epoch 1", "check", "epoch 2", "check", "publish", "finish completed"], steps.Calls);
        Assert.Equal(TrainingStatus.Completed, outcome.Status);
        Assert.Equal("Published model v-1.", outcome.Message);
        Assert.Equal(0.991, outcome.Accuracy);
        Assert.Equal("v-1", outcome.ModelVersion);
        Assert.Equal(0.97, outcome.DrawingsAccuracy);
        Assert.Equal(12, outcome.Corrections);
        Assert.True(outcome.Served);
        Assert.Equal(outcome, steps.Finished);
        Assert.Equal(
            [
                new RunCustomStatus("training", 0, 2, null),
                new RunCustomStatus("training", 1, 2, 0.91),
                new RunCustomStatus("training", 2, 2, 0.92),
                new RunCustomStatus("publishing", 2, 2, 0.92),
                new RunCustomStatus("completed", 2, 2, 0.92),
            ],
            steps.Statuses);
    }

    [Fact]
    public async Task RunAsync_StopRequestedBetweenEpochs_TrainsNoFurtherEpochAndFinishesInterrupted()
    {
        var steps = new ScriptedSteps { Signal = epochsTrained => epochsTrained == 1 ? RunSignal.StopRequested : RunSignal.Continue };

        var outcome = await RetrainWorkflow.RunAsync(Input(epochs: 3), steps, CancellationToken.None);

        Assert.Equal(["check", "epoch 1", "check", "finish interrupted"], steps.Calls);
        Assert.Equal(TrainingStatus.Interrupted, outcome.Status);
        Assert.Equal("Stopped during epoch 2 of 3; the served model was kept.", outcome.Message);
        Assert.Null(outcome.ModelVersion);
        Assert.Equal(new RunCustomStatus("interrupted", 1, 3, 0.91), steps.Statuses[^1]);
    }

    [Fact]
    public async Task RunAsync_StopRequestedBeforeTheFirstEpoch_TrainsNothing()
    {
        var steps = new ScriptedSteps { Signal = _ => RunSignal.StopRequested };

        var outcome = await RetrainWorkflow.RunAsync(Input(epochs: 2), steps, CancellationToken.None);

        Assert.Equal(["check", "finish interrupted"], steps.Calls);
        Assert.Equal("Stopped during epoch 1 of 2; the served model was kept.", outcome.Message);
    }

    [Fact]
    public async Task RunAsync_StopRequestedAfterTheLastEpoch_PublishesNothing()
    {
        var steps = new ScriptedSteps { Signal = epochsTrained => epochsTrained == 2 ? RunSignal.StopRequested : RunSignal.Continue };

        var outcome = await RetrainWorkflow.RunAsync(Input(epochs: 2), steps, CancellationToken.None);

        Assert.Equal(["check", "epoch 1", "check", "epoch 2", "check", "finish interrupted"], steps.Calls);
        Assert.Equal(TrainingStatus.Interrupted, outcome.Status);
        Assert.Equal("Stopped while publishing; the served model was kept.", outcome.Message);
        Assert.Equal(new RunCustomStatus("interrupted", 2, 2, 0.92), steps.Statuses[^1]);
    }

    [Fact]
    public async Task RunAsync_RunLostBetweenEpochs_FinishesInterruptedAsEndedElsewhere()
    {
        var steps = new ScriptedSteps { Signal = epochsTrained => epochsTrained == 1 ? RunSignal.NotOwner : RunSignal.Continue };

        var outcome = await RetrainWorkflow.RunAsync(Input(epochs: 3), steps, CancellationToken.None);

        Assert.Equal(["check", "epoch 1", "check", "finish interrupted"], steps.Calls);
        Assert.Equal(TrainingStatus.Interrupted, outcome.Status);
        Assert.StartsWith("The run was ended elsewhere", outcome.Message);
    }

    [Theory]
    [InlineData(StepEnd.Stopped, "Stopped during epoch 2 of 3; the served model was kept.")]
    [InlineData(StepEnd.LostRun, "The run was ended elsewhere (no heartbeat for a whole lease, or the run store forgot it); nothing was published.")]
    public async Task RunAsync_EpochEndsEarly_TrainsNoFurtherEpochAndFinishesInterrupted(StepEnd end, string message)
    {
        var steps = new ScriptedSteps { Epoch = epoch => new EpochOutcome(epoch, epoch == 2 ? end : StepEnd.Done, 0.3, 0.9 + epoch / 100.0, 1) };

        var outcome = await RetrainWorkflow.RunAsync(Input(epochs: 3), steps, CancellationToken.None);

        Assert.Equal(["check", "epoch 1", "check", "epoch 2", "finish interrupted"], steps.Calls);
        Assert.Equal(TrainingStatus.Interrupted, outcome.Status);
        Assert.Equal(message, outcome.Message);
        Assert.Equal(new RunCustomStatus("interrupted", 1, 3, 0.91), steps.Statuses[^1]);
    }

    [Theory]
    [InlineData(StepEnd.Stopped, "Stopped while publishing; the served model was kept.")]
    [InlineData(StepEnd.LostRun, "The run was ended elsewhere (no heartbeat for a whole lease, or the run store forgot it); nothing was published.")]
    public async Task RunAsync_PublishEndsEarly_FinishesInterrupted(StepEnd end, string message)
    {
        var steps = new ScriptedSteps { Publish = () => new PublishOutcome(end, null, null) };

        var outcome = await RetrainWorkflow.RunAsync(Input(epochs: 1), steps, CancellationToken.None);

        Assert.Equal(["check", "epoch 1", "check", "publish", "finish interrupted"], steps.Calls);
        Assert.Equal(TrainingStatus.Interrupted, outcome.Status);
        Assert.Equal(message, outcome.Message);
        Assert.Null(outcome.Served);
    }

    [Fact]
    public async Task RunAsync_EpochFails_FinishesInErrorWithTheStepsMessage()
    {
        const string Failure = "MNIST is missing: run scripts/fetch-mnist.sh.";
        var steps = new ScriptedSteps
        {
            Epoch = epoch => epoch == 2 ? throw new RetrainStepFailedException(Failure) : new EpochOutcome(epoch, StepEnd.Done, 0.3, 0.91, 1),
        };

        var outcome = await RetrainWorkflow.RunAsync(Input(epochs: 3), steps, CancellationToken.None);

        Assert.Equal(["check", "epoch 1", "check", "epoch 2", "finish error"], steps.Calls);
        Assert.Equal(RunOutcomes.Failed(RunId, Failure), outcome);
        Assert.Equal(outcome, steps.Finished);
        Assert.Equal(new RunCustomStatus("error", 1, 3, 0.91), steps.Statuses[^1]);
    }

    [Fact]
    public async Task RunAsync_PublishFails_FinishesInErrorWithTheStepsMessage()
    {
        const string Failure = "The model container refused the upload (403 AuthorizationFailure).";
        var steps = new ScriptedSteps { Publish = () => throw new RetrainStepFailedException(Failure) };

        var outcome = await RetrainWorkflow.RunAsync(Input(epochs: 1), steps, CancellationToken.None);

        Assert.Equal(["check", "epoch 1", "check", "publish", "finish error"], steps.Calls);
        Assert.Equal(TrainingStatus.Error, outcome.Status);
        Assert.Equal(Failure, outcome.Message);
        Assert.Equal(new RunCustomStatus("error", 1, 1, 0.91), steps.Statuses[^1]);
    }

    [Fact]
    public async Task RunAsync_PublishRuleKeepsTheServedModel_CompletesSayingWhy()
    {
        const string Reason = "it reads the 3,000 synthetic canvas drawings at 84.47 % against 98.97 %.";
        var steps = new ScriptedSteps { Publish = () => new PublishOutcome(StepEnd.Done, "v-2", 0.9899, Served: false, KeptReason: Reason) };

        var outcome = await RetrainWorkflow.RunAsync(Input(epochs: 1), steps, CancellationToken.None);

        Assert.Equal(["check", "epoch 1", "check", "publish", "finish completed"], steps.Calls);
        Assert.Equal(TrainingStatus.Completed, outcome.Status);
        Assert.Equal($"Stored model v-2 but kept the served model: {Reason}", outcome.Message);
        Assert.False(outcome.Served);
        Assert.Equal("v-2", outcome.ModelVersion);
    }

    [Fact]
    public async Task RunAsync_GivenAToken_PassesItToEveryCall()
    {
        using var shutdown = new CancellationTokenSource();
        var steps = new ScriptedSteps();

        await RetrainWorkflow.RunAsync(Input(epochs: 2), steps, shutdown.Token);

        Assert.Equal(7, steps.Tokens.Count);
        Assert.All(steps.Tokens, token => Assert.Equal(shutdown.Token, token));
    }

    [Fact]
    public async Task RunAsync_EachEpoch_AsksForItWithTheRunsRecipe()
    {
        var input = Input(epochs: 2) with { Recipe = "canvas", Augment = true, CorrectionsUntil = DateTimeOffset.UnixEpoch };
        var steps = new ScriptedSteps();

        await RetrainWorkflow.RunAsync(input, steps, CancellationToken.None);

        Assert.Equal([EpochRequest.Of(input, 1), EpochRequest.Of(input, 2)], steps.EpochRequests);
        Assert.Equal(PublishRequest.Of(input), steps.PublishRequest);
    }

    private static RetrainInput Input(int epochs) => new(RunId, epochs, BatchSize: 64, Seed: 42);

    /// <summary>Steps that answer as told and write each call down, in order.</summary>
    private sealed class ScriptedSteps : IRetrainSteps
    {
        private int _epochsTrained;

        /// <summary>How each epoch ends (by epoch number); throwing from it is the step failing.</summary>
        public Func<int, EpochOutcome> Epoch { get; init; } = epoch => new EpochOutcome(epoch, StepEnd.Done, 0.3, 0.9 + epoch / 100.0, 1);

        public Func<PublishOutcome> Publish { get; init; } =
            () => new PublishOutcome(StepEnd.Done, "v-1", 0.991) { DrawingsAccuracy = 0.97, Corrections = 12 };

        /// <summary>What the check answers, by how many epochs ended done so far.</summary>
        public Func<int, RunSignal> Signal { get; init; } = _ => RunSignal.Continue;

        public List<string> Calls { get; } = [];

        public List<RunCustomStatus> Statuses { get; } = [];

        public List<CancellationToken> Tokens { get; } = [];

        public List<EpochRequest> EpochRequests { get; } = [];

        public PublishRequest? PublishRequest { get; private set; }

        public RunOutcome? Finished { get; private set; }

        public Task<EpochOutcome> TrainEpochAsync(EpochRequest request, CancellationToken cancellationToken)
        {
            Record($"epoch {request.Epoch}", cancellationToken);
            EpochRequests.Add(request);
            var outcome = Epoch(request.Epoch);
            if (outcome.End == StepEnd.Done)
            {
                _epochsTrained++;
            }
            return Task.FromResult(outcome);
        }

        public Task<PublishOutcome> PublishAsync(PublishRequest request, CancellationToken cancellationToken)
        {
            Record("publish", cancellationToken);
            PublishRequest = request;
            return Task.FromResult(Publish());
        }

        public Task FinishAsync(RunOutcome outcome, CancellationToken cancellationToken)
        {
            Record($"finish {outcome.Status.ToContractName()}", cancellationToken);
            Finished = outcome;
            return Task.CompletedTask;
        }

        public Task<RunSignal> CheckAsync(string runId, CancellationToken cancellationToken)
        {
            Assert.Equal(RunId, runId);
            Record("check", cancellationToken);
            return Task.FromResult(Signal(_epochsTrained));
        }

        public void ReportStatus(RunCustomStatus status) => Statuses.Add(status);

        private void Record(string call, CancellationToken cancellationToken)
        {
            Calls.Add(call);
            Tokens.Add(cancellationToken);
        }
    }
}
