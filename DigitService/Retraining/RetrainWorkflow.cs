using Digit.Service.Training;

namespace Digit.Service.Retraining;

/// <summary>
/// The retrain story, written once for every host: start, train epoch after epoch while watching for the
/// stop signal, then publish. It only talks to <see cref="IRetrainPort"/>: no clock, no I/O and no randomness
/// of its own, so the Azure app can run it as a Durable orchestrator, which replays it.
/// </summary>
public static class RetrainWorkflow
{
    public static async Task<RetrainResult> RunAsync(IRetrainPort port, RetrainInput input)
    {
        RetrainResult result;
        try
        {
            result = await TrainAndPublishAsync(port, input);
        }
        catch (Exception exception)
        {
            result = new RetrainResult(input.RunId, TrainingStatus.Error, RetrainFailure.Describe(exception), null, null);
        }
        port.SetCustomStatus(new RetrainCustomStatus(result.Status.ToContractName(), 0, input.Epochs, null));
        await port.FinishAsync(result);
        return result;
    }

    private static async Task<RetrainResult> TrainAndPublishAsync(IRetrainPort port, RetrainInput input)
    {
        port.SetCustomStatus(new RetrainCustomStatus("training", 0, input.Epochs, null));
        var stop = port.WaitForStopAsync();

        for (var epoch = 1; epoch <= input.Epochs; epoch++)
        {
            if (stop.IsCompleted)
            {
                return Interrupted(input, epoch);
            }
            var training = port.RunEpochAsync(new EpochRequest(input.RunId, epoch, input.Epochs, input.BatchSize, input.Seed));
            if (await Task.WhenAny(training, stop) == stop)
            {
                // The epoch sees the stop flag at its next batch; wait for it so nothing runs on after the run ends.
                await training;
                return Interrupted(input, epoch);
            }
            var outcome = await training;
            if (outcome.Stopped)
            {
                return Interrupted(input, epoch);
            }
            port.SetCustomStatus(new RetrainCustomStatus("training", epoch, input.Epochs, outcome.Accuracy));
        }

        port.SetCustomStatus(new RetrainCustomStatus("publishing", input.Epochs, input.Epochs, null));
        var published = await port.PublishAsync(new PublishRequest(input.RunId, input.Epochs));
        return new RetrainResult(input.RunId, TrainingStatus.Completed, null, published.Accuracy, published.Version);
    }

    private static RetrainResult Interrupted(RetrainInput input, int epoch) => new(
        input.RunId,
        TrainingStatus.Interrupted,
        $"Stopped during epoch {epoch} of {input.Epochs}; the served model was kept.",
        null,
        null);
}
