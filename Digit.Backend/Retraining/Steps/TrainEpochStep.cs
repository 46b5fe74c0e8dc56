using Digit.Backend.Hosting;
using Digit.Backend.Runs;
using Digit.Backend.Telemetry;
using Digit.Inference.Telemetry;
using Digit.Inference.Models;
using Digit.Training.Training;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Digit.Backend.Retraining.Steps;

/// <summary>
/// One epoch of a run, for any host: loads the run's checkpoint, trains one epoch while a <see cref="RunGuard"/>
/// sends heartbeats with its progress, stops at the next batch when the run is stopped or lost, and saves the new
/// checkpoint only after confirming the run is still its own.
/// </summary>
public sealed class TrainEpochStep(
    IModelStore models,
    IRunStore runs,
    MnistDataSource mnist,
    CorrectionSets corrections,
    IOptions<RetrainOptions> retrain,
    IOptions<RunStateOptions> runState,
    TrainingMetrics metrics,
    TrainingThread trainingThread,
    TimeProvider time,
    ILogger<TrainEpochStep> logger)
{
    /// <summary>
    /// Trains the epoch. A stop (the run's flag, or <paramref name="cancellationToken"/>: the process shutting down)
    /// or a lost run is an outcome, not an error, whether it comes while loading data or mid-epoch.
    /// </summary>
    public async Task<EpochOutcome> RunAsync(EpochRequest request, CancellationToken cancellationToken)
    {
        using var span = DigitTelemetry.Activities.StartActivity("Train epoch");
        span?.SetTag("digit.run.id", request.RunId);
        span?.SetTag("digit.epoch", request.Epoch);
        await using var guard = RunGuard.Start(runs, request.RunId, runState.Value.Lease, time, logger, cancellationToken);
        try
        {
            var outcome = await TrainAsync(request, guard);
            span?.SetTag("digit.step.end", outcome.End.ToString());
            return outcome;
        }
        catch (OperationCanceledException) when (guard.Token.IsCancellationRequested)
        {
            logger.LogInformation("Run {RunId}: epoch {Epoch} ended ({End}) before training began", request.RunId, request.Epoch, guard.Ended);
            return new EpochOutcome(request.Epoch, guard.Ended, 0, 0, 0);
        }
    }

    private async Task<EpochOutcome> TrainAsync(EpochRequest request, RunGuard guard)
    {
        var data = await mnist.GetAsync(guard.Token).WaitAsync(guard.Token);
        var extra = await corrections.TrainingAsync(request.CorrectionsUntil, guard.Token);
        var checkpoint = await ReadCheckpointAsync(request, guard.Token);
        if (checkpoint is not null && checkpoint.EpochsCompleted >= request.Epoch)
        {
            // A retry of this run's epoch whose checkpoint was already saved: it is done.
            return new EpochOutcome(request.Epoch, StepEnd.Done, checkpoint.LastEpochLoss, checkpoint.LastEpochAccuracy, 0);
        }

        var options = retrain.Value.ForEpoch(request) with { ProgressEveryBatches = 5 };
        if (checkpoint is not null && checkpoint.Architecture != options.Architecture)
        {
            throw new InvalidOperationException(
                $"Run {request.RunId}'s checkpoint holds the {checkpoint.Architecture} network, but its recipe '{request.Recipe}' trains {options.Architecture}.");
        }
        var trainer = new EpochTrainer(options);
        double? previousAccuracy = checkpoint?.LastEpochAccuracy;
        guard.Report(new TrainingProgress(request.MaxEpochs, 0, request.Epoch - 1, previousAccuracy));
        var progress = new SynchronousProgress<EpochProgress>(p =>
            guard.Report(new TrainingProgress(request.MaxEpochs, Math.Round(p.Percentage, 1), request.Epoch - 1, previousAccuracy)));
        logger.LogInformation("Run {RunId}: training epoch {Epoch} of {MaxEpochs} with {Corrections} corrections",
            request.RunId, request.Epoch, request.MaxEpochs, extra.Count);
        var result = await trainingThread.RunAsync(() => trainer.TrainEpoch(data.Train, checkpoint, progress, guard.Token, extra), CancellationToken.None);
        var report = result.Report;
        if (report.Stopped || result.Checkpoint is null)
        {
            logger.LogInformation("Run {RunId}: epoch {Epoch} ended ({End}) after {Samples} samples", request.RunId, request.Epoch, guard.Ended, report.Samples);
            return new EpochOutcome(request.Epoch, guard.Ended, report.Loss, report.Accuracy, report.Duration.TotalSeconds);
        }

        guard.Report(new TrainingProgress(request.MaxEpochs, 100, request.Epoch, report.Accuracy));
        if (!await guard.ConfirmAsync())
        {
            logger.LogInformation("Run {RunId}: epoch {Epoch} trained but not kept ({End})", request.RunId, request.Epoch, guard.Ended);
            return new EpochOutcome(request.Epoch, guard.Ended, report.Loss, report.Accuracy, report.Duration.TotalSeconds);
        }
        await models.SaveCheckpointAsync(request.RunId, result.Checkpoint.ToBytes(), CancellationToken.None);
        // Whoever ends a run removes its checkpoints after ending it; a run ended between the confirmation and the
        // save had them removed before this one was written, so it is this step's to remove.
        if (!await guard.ConfirmAsync() && guard.Ended == StepEnd.LostRun)
        {
            await models.DeleteCheckpointAsync(request.RunId, CancellationToken.None);
            logger.LogInformation("Run {RunId}: ended while epoch {Epoch} was saved; its checkpoint is removed", request.RunId, request.Epoch);
            return new EpochOutcome(request.Epoch, StepEnd.LostRun, report.Loss, report.Accuracy, report.Duration.TotalSeconds);
        }
        metrics.EpochTrained(request.Epoch, report.Duration.TotalSeconds, report.Samples, report.Accuracy);
        logger.LogInformation(
            "Run {RunId}: epoch {Epoch} done in {Seconds:F1} s, loss {Loss:F4}, training accuracy {Accuracy:P2}",
            request.RunId, request.Epoch, report.Duration.TotalSeconds, report.Loss, report.Accuracy);
        return new EpochOutcome(request.Epoch, StepEnd.Done, report.Loss, report.Accuracy, report.Duration.TotalSeconds);
    }

    private async Task<TrainingCheckpoint?> ReadCheckpointAsync(EpochRequest request, CancellationToken cancellationToken)
    {
        var bytes = await models.ReadCheckpointAsync(request.RunId, cancellationToken);
        if (bytes is null)
        {
            return request.Epoch == 1
                ? null
                : throw new InvalidOperationException($"Run {request.RunId} has no checkpoint to train epoch {request.Epoch} from; start a new run.");
        }
        return TrainingCheckpoint.FromBytes(bytes);
    }
}
