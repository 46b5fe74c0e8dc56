using Digit.Backend.Retraining;
using Digit.Backend.Runs;
using Digit.LocalServer.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Digit.LocalServer.Tests;

/// <summary>
/// The local server's steps on its own services (the in-memory run store, the real epoch step on a small MNIST
/// subset), run by the shared workflow as the server's runner runs them.
/// </summary>
public sealed class LocalRetrainStepsTests : IAsyncLifetime
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);
    private InProcessLocalServer _server = null!;

    private IRunStore Runs => _server.Services.GetRequiredService<IRunStore>();

    private LocalRetrainSteps Steps => _server.Services.GetRequiredService<LocalRetrainSteps>();

    public async Task InitializeAsync() =>
        _server = await InProcessLocalServer.StartAsync(new Dictionary<string, string?> { ["TRAINING_SAMPLES"] = "512" });

    public Task DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task RunAsync_StopFlagRaisedBetweenEpochs_TrainsNoFurtherEpoch()
    {
        var input = await BeginRunAsync(epochs: 3);
        var steps = new StopAfterFirstEpoch(Steps, Runs);

        var outcome = await RetrainWorkflow.RunAsync(input, steps, None);

        Assert.Equal(StepEnd.Done, steps.FirstEpoch);
        Assert.Equal([1], steps.EpochsAsked);
        Assert.False(steps.PublishAsked);
        Assert.Equal(TrainingStatus.Interrupted, outcome.Status);
        Assert.Equal("Stopped during epoch 2 of 3; the served model was kept.", outcome.Message);
        var run = await Runs.GetRunAsync(input.RunId, None);
        Assert.Equal(TrainingStatus.Interrupted, run!.Status);
        Assert.Equal(outcome.Message, run.Message);
        Assert.Null(await Runs.GetActiveRunIdAsync(None));
    }

    [Fact]
    public async Task CheckAsync_ActiveRunNotStopped_AnswersContinue()
    {
        var input = await BeginRunAsync(epochs: 2);

        Assert.Equal(RunSignal.Continue, await Steps.CheckAsync(input.RunId, None));
    }

    [Fact]
    public async Task CheckAsync_RunEndedElsewhere_AnswersNotOwner()
    {
        var input = await BeginRunAsync(epochs: 2);
        await Runs.FinishAsync(input.RunId, new RunEnd(TrainingStatus.Interrupted, "ended by the sweeper"), None);

        Assert.Equal(RunSignal.NotOwner, await Steps.CheckAsync(input.RunId, None));
    }

    [Fact]
    public async Task CheckAsync_ProcessShuttingDown_AnswersStopRequested()
    {
        var input = await BeginRunAsync(epochs: 2);

        Assert.Equal(RunSignal.StopRequested, await Steps.CheckAsync(input.RunId, new CancellationToken(canceled: true)));
    }

    private async Task<RetrainInput> BeginRunAsync(int epochs)
    {
        var input = new RetrainInput($"test-{Guid.NewGuid():N}", epochs, BatchSize: 64, Seed: 42);
        Assert.True(await Runs.TryBeginAsync(input, Lease, None));
        return input;
    }

    /// <summary>The server's own steps; once the first epoch is done, the stop flag goes up in the run store, as the stop route raises it.</summary>
    private sealed class StopAfterFirstEpoch(IRetrainSteps inner, IRunStore runs) : IRetrainSteps
    {
        public List<int> EpochsAsked { get; } = [];

        public StepEnd? FirstEpoch { get; private set; }

        public bool PublishAsked { get; private set; }

        public async Task<EpochOutcome> TrainEpochAsync(EpochRequest request, CancellationToken cancellationToken)
        {
            EpochsAsked.Add(request.Epoch);
            var outcome = await inner.TrainEpochAsync(request, cancellationToken);
            if (EpochsAsked.Count == 1)
            {
                FirstEpoch = outcome.End;
                Assert.Equal(request.RunId, await runs.RequestStopAsync(cancellationToken));
            }
            return outcome;
        }

        public Task<PublishOutcome> PublishAsync(PublishRequest request, CancellationToken cancellationToken)
        {
            PublishAsked = true;
            return inner.PublishAsync(request, cancellationToken);
        }

        public Task FinishAsync(RunOutcome outcome, CancellationToken cancellationToken) => inner.FinishAsync(outcome, cancellationToken);

        public Task<RunSignal> CheckAsync(string runId, CancellationToken cancellationToken) => inner.CheckAsync(runId, cancellationToken);

        public void ReportStatus(RunCustomStatus status) => inner.ReportStatus(status);
    }
}
