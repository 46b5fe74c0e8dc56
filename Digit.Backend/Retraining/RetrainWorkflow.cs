using Digit.Backend.Runs;

namespace Digit.Backend.Retraining;

/// <summary>
/// A retrain run, the one definition both hosts execute: epochs, a look for a stop before each epoch and before
/// publishing, publish, then finish, which is called whatever the ending. A step that ends early (stopped, or its
/// run lost) ends the run interrupted; a step that fails ends it in error with the step's message.
/// </summary>
/// <remarks>
/// The Azure app runs this inside a Durable orchestrator, which is replayed: it awaits only what
/// <see cref="IRetrainSteps"/> hands it (never <c>ConfigureAwait(false)</c>), and reads no clock, no I/O, no thread.
/// </remarks>
public static class RetrainWorkflow
{
    /// <summary>Runs <paramref name="input"/> through <paramref name="steps"/> and returns how it ended (what finish was given).</summary>
    public static async Task<RunOutcome> RunAsync(RetrainInput input, IRetrainSteps steps, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(steps);
        var status = new RunCustomStatus(RunStages.Training, 0, input.Epochs, null);
        steps.ReportStatus(status);

        RunOutcome outcome;
        try
        {
            outcome = await TrainAndPublishAsync();
        }
        catch (RetrainStepFailedException failure)
        {
            outcome = RunOutcomes.Failed(input.RunId, failure.Message);
        }
        steps.ReportStatus(status with { Stage = outcome.Status.ToContractName() });
        await steps.FinishAsync(outcome, cancellationToken);
        return outcome;

        async Task<RunOutcome> TrainAndPublishAsync()
        {
            for (var epoch = 1; epoch <= input.Epochs; epoch++)
            {
                if (await EndedAsync() is { } ended)
                {
                    return RunOutcomes.Ended(input.RunId, ended, epoch, input.Epochs);
                }
                var trained = await steps.TrainEpochAsync(EpochRequest.Of(input, epoch), cancellationToken);
                if (trained.End != StepEnd.Done)
                {
                    return RunOutcomes.Ended(input.RunId, trained.End, epoch, input.Epochs);
                }
                status = status with { EpochsDone = epoch, LastEpochAccuracy = trained.Accuracy };
                steps.ReportStatus(status);
            }
            if (await EndedAsync() is { } endedBeforePublishing)
            {
                return RunOutcomes.Ended(input.RunId, endedBeforePublishing, epoch: 0, input.Epochs);
            }
            status = status with { Stage = RunStages.Publishing };
            steps.ReportStatus(status);
            var published = await steps.PublishAsync(PublishRequest.Of(input), cancellationToken);
            return published.End == StepEnd.Done
                ? RunOutcomes.Completed(input.RunId, published)
                : RunOutcomes.Ended(input.RunId, published.End, epoch: 0, input.Epochs);
        }

        // Why the run may not begin its next step, or null when it may.
        async Task<StepEnd?> EndedAsync() => await steps.CheckAsync(input.RunId, cancellationToken) switch
        {
            RunSignal.StopRequested => StepEnd.Stopped,
            RunSignal.NotOwner => StepEnd.LostRun,
            _ => null,
        };
    }
}
