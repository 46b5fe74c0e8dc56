using Digit.Service.Retraining;
using Digit.Service.Retraining.Steps;
using Microsoft.Azure.Functions.Worker;

namespace Digit.Functions.Retraining;

/// <summary>
/// The activities of the retrain orchestration, each calling its DigitService step. This class is only created
/// when an activity runs, so TorchSharp (and libtorch) load on the first epoch, never for a prediction.
/// </summary>
public sealed class RetrainActivities(TrainEpochStep epochStep, PublishModelStep publishStep, FinishRunStep finishStep)
{
    /// <summary>One epoch from the run's checkpoint; a stop (flag or host shutdown) ends it at the next batch.</summary>
    [Function(nameof(TrainEpoch))]
    public Task<EpochOutcome> TrainEpoch([ActivityTrigger] EpochRequest request, CancellationToken cancellationToken) =>
        epochStep.RunAsync(request, cancellationToken);

    [Function(nameof(PublishModel))]
    public Task<PublishOutcome> PublishModel([ActivityTrigger] PublishRequest request, CancellationToken cancellationToken) =>
        publishStep.RunAsync(request, cancellationToken);

    /// <summary>Writes the final status to the shared state (the orchestrator does no I/O itself).</summary>
    [Function(nameof(FinishRun))]
    public Task FinishRun([ActivityTrigger] RetrainResult result, CancellationToken cancellationToken) =>
        finishStep.RunAsync(result, cancellationToken);
}
