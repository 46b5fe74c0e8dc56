using Digit.Service.Retraining.Steps;
using Microsoft.Extensions.Logging;

namespace Digit.Service.Retraining.Local;

/// <summary>The workflow's port in this process: each call runs its step directly.</summary>
internal sealed class InProcessRetrainPort(
    LocalRun run,
    TrainEpochStep epochStep,
    PublishModelStep publishStep,
    FinishRunStep finishStep,
    ILogger logger) : IRetrainPort
{
    public Task<EpochOutcome> RunEpochAsync(EpochRequest request) => epochStep.RunAsync(request, run.StopToken);

    public Task WaitForStopAsync() => run.Stopped;

    public Task<PublishOutcome> PublishAsync(PublishRequest request) => publishStep.RunAsync(request, CancellationToken.None);

    public Task FinishAsync(RetrainResult result) => finishStep.RunAsync(result, CancellationToken.None);

    public void SetCustomStatus(RetrainCustomStatus status) =>
        logger.LogDebug("Run is {Stage}: {EpochsDone}/{MaxEpochs} epochs", status.Stage, status.EpochsDone, status.MaxEpochs);
}
