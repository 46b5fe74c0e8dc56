using Digit.Service.Models;
using Digit.Service.Training;
using Microsoft.Extensions.Logging;

namespace Digit.Service.Retraining.Steps;

/// <summary>Records how a run ended in the shared state (freeing the single-run slot) and drops its checkpoint.</summary>
public sealed class FinishRunStep(IModelStore models, ITrainingStateStore state, ILogger<FinishRunStep> logger)
{
    public async Task RunAsync(RetrainResult result, CancellationToken cancellationToken)
    {
        var finished = await state.FinishRunAsync(result.RunId, result.Status, result.Message, result.Accuracy, cancellationToken);
        if (result.Status != TrainingStatus.Completed)
        {
            await models.DeleteCheckpointAsync(result.RunId, cancellationToken);
        }
        if (finished)
        {
            logger.LogInformation("Run {RunId} finished {Status}: {Message}", result.RunId, result.Status.ToContractName(), result.Message);
        }
        else
        {
            logger.LogWarning("Run {RunId} was no longer active when it finished {Status}", result.RunId, result.Status.ToContractName());
        }
    }
}
