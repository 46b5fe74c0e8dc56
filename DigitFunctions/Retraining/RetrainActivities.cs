using Digit.Backend.Retraining;
using Digit.Backend.Retraining.Steps;
using Microsoft.Azure.Functions.Worker;

namespace Digit.Functions.Retraining;

/// <summary>
/// The activities of the retrain orchestration, each one call to its backend step. This class is only created when
/// an activity runs, so TorchSharp (and libtorch) load on the first epoch, never for a prediction.
/// </summary>
public sealed class RetrainActivities(TrainEpochStep epochStep, PublishModelStep publishStep, FinishRunStep finishStep)
{
    /// <summary>One epoch from the run's checkpoint; a stop (flag or host shutdown) ends it at the next batch.</summary>
    [Function(nameof(TrainEpoch))]
    public Task<EpochOutcome> TrainEpoch([ActivityTrigger] EpochRequest request, CancellationToken cancellationToken) =>
        epochStep.RunAsync(request, cancellationToken);

    /// <summary>Evaluates, exports and publishes the run's model, unless the run was stopped or lost meanwhile.</summary>
    [Function(nameof(PublishModel))]
    public Task<PublishOutcome> PublishModel([ActivityTrigger] PublishRequest request, CancellationToken cancellationToken) =>
        publishStep.RunAsync(request, cancellationToken);

    /// <summary>Records how the run ended in the run store and removes its checkpoint.</summary>
    [Function(nameof(FinishRun))]
    public Task FinishRun([ActivityTrigger] RunOutcome outcome, CancellationToken cancellationToken) =>
        finishStep.RunAsync(outcome, cancellationToken);
}
