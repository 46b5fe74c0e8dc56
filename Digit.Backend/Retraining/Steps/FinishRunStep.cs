using Digit.Backend.Runs;
using Digit.Inference.Models;
using Microsoft.Extensions.Logging;

namespace Digit.Backend.Retraining.Steps;

/// <summary>
/// Records how a run ended (fenced: only while it is still the active run, so a run ended elsewhere keeps the
/// status it was given) and removes its checkpoint, whatever the ending.
/// </summary>
public sealed class FinishRunStep(IModelStore models, IRunStore runs, ILogger<FinishRunStep> logger)
{
    /// <summary>Ends the run with <paramref name="outcome"/> and drops its checkpoint.</summary>
    public async Task RunAsync(RunOutcome outcome, CancellationToken cancellationToken)
    {
        var finished = await runs.FinishAsync(outcome.RunId, outcome.ToRunEnd(), cancellationToken);
        await models.DeleteCheckpointAsync(outcome.RunId, cancellationToken);
        if (finished)
        {
            logger.LogInformation("Run {RunId} finished {Status}: {Message}", outcome.RunId, outcome.Status.ToContractName(), outcome.Message);
        }
        else
        {
            logger.LogWarning("Run {RunId} was no longer active when it finished {Status}; its recorded end stands", outcome.RunId, outcome.Status.ToContractName());
        }
    }
}
