using System.Globalization;
using Digit.Backend.Hosting;
using Digit.Backend.Runs;
using Digit.Inference.Telemetry;
using Digit.Inference.Models;
using Digit.Training.Onnx;
using Digit.Training.Training;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Digit.Backend.Retraining.Steps;

/// <summary>
/// The end of a run, for any host: evaluates the trained model on the 10,000 test images, exports it to ONNX, scores
/// it and the served model on the synthetic drawings and the held-out corrections, and stores it as a new version
/// with those accuracies; the <see cref="PublishRule"/> decides whether it is served (every instance's model watcher
/// then serves it). A stop or a lost run during the step ends it without publishing: the last check comes right
/// before the model is stored.
/// </summary>
public sealed class PublishModelStep(
    IModelStore models,
    IRunStore runs,
    MnistDataSource mnist,
    DrawingsSetSource drawingsSet,
    CorrectionSets corrections,
    PublishRule rule,
    IOptions<RetrainOptions> retrain,
    IOptions<RunStateOptions> runState,
    TrainingThread trainingThread,
    TimeProvider time,
    ILogger<PublishModelStep> logger)
{
    /// <summary>Publishes the run's model, or ends early (stopped or lost) without publishing.</summary>
    public async Task<PublishOutcome> RunAsync(PublishRequest request, CancellationToken cancellationToken)
    {
        using var span = DigitTelemetry.Activities.StartActivity("Publish model");
        span?.SetTag("digit.run.id", request.RunId);
        await using var guard = RunGuard.Start(runs, request.RunId, runState.Value.Lease, time, logger, cancellationToken);
        try
        {
            var outcome = await PublishAsync(request, guard);
            span?.SetTag("digit.model.version", outcome.Version);
            return outcome;
        }
        catch (OperationCanceledException) when (guard.Token.IsCancellationRequested)
        {
            logger.LogInformation("Run {RunId}: publishing ended ({End}); nothing was published", request.RunId, guard.Ended);
            return new PublishOutcome(guard.Ended, null, null);
        }
    }

    private async Task<PublishOutcome> PublishAsync(PublishRequest request, RunGuard guard)
    {
        var bytes = await models.ReadCheckpointAsync(request.RunId, guard.Token)
            ?? throw new InvalidOperationException($"Run {request.RunId} has no trained checkpoint to publish.");
        var checkpoint = TrainingCheckpoint.FromBytes(bytes);
        guard.Report(new TrainingProgress(request.Epochs, 100, checkpoint.EpochsCompleted, checkpoint.LastEpochAccuracy, RunStages.Publishing));
        var data = await mnist.GetAsync(guard.Token).WaitAsync(guard.Token);

        var (onnx, accuracy) = await trainingThread.RunAsync(
            () =>
            {
                TorchRuntime.UseThreads(retrain.Value.Threads > 0 ? retrain.Value.Threads : Environment.ProcessorCount);
                using var model = checkpoint.RestoreModel();
                var testAccuracy = ModelEvaluator.Accuracy(model, data.Test, cancellationToken: guard.Token);
                var exported = OnnxExporter.Export(model, new OnnxModelInfo(testAccuracy, checkpoint.EpochsCompleted, time.GetUtcNow(), data.Train.Count));
                return (exported, testAccuracy);
            },
            guard.Token);

        var drawings = await drawingsSet.GetAsync(guard.Token);
        var (heldOut, trainedOn) = await corrections.ForPublishingAsync(request.CorrectionsUntil, guard.Token);
        var served = await rule.ServedAsync(guard.Token);
        // Scoring two models on some 15,000 images takes seconds of CPU: on the training thread, as training is.
        var verdict = await trainingThread.RunAsync(() => rule.Judge(onnx, accuracy, served, data, drawings, heldOut, guard.Token), guard.Token);

        if (!await guard.ConfirmAsync())
        {
            logger.LogInformation("Run {RunId}: evaluated but not published ({End})", request.RunId, guard.Ended);
            return new PublishOutcome(guard.Ended, null, null);
        }
        var description = new ModelDescription(accuracy, request.RunId, checkpoint.EpochsCompleted, data.Train.Count, time.GetUtcNow())
        {
            DrawingsAccuracy = verdict.Candidate.Drawings,
            CorrectionsAccuracy = verdict.Candidate.Corrections,
            Corrections = trainedOn,
        };
        onnx = OnnxExporter.WithMetadata(onnx, OnnxModelInfo.DrawingsAccuracyKey, verdict.Candidate.Drawings.ToString("R", CultureInfo.InvariantCulture));
        var stored = await models.StoreAsync(onnx, description, CancellationToken.None);
        if (verdict.Serve)
        {
            await models.ActivateAsync(stored.Version, CancellationToken.None);
        }
        await models.DeleteCheckpointAsync(request.RunId, CancellationToken.None);
        logger.LogInformation(
            "Run {RunId}: stored model {Version}: MNIST {Accuracy:P2}, drawings {Drawings:P2}, held-out corrections {Corrections:P2} (served model: {Served}); trained with {TrainedOn} corrections; {Verdict}",
            request.RunId, stored.Version, accuracy, verdict.Candidate.Drawings, verdict.Candidate.Corrections, verdict.Served, trainedOn,
            verdict.Serve ? "serving it" : verdict.KeptReason);
        return new PublishOutcome(StepEnd.Done, stored.Version, accuracy, verdict.Serve, verdict.KeptReason)
        {
            DrawingsAccuracy = verdict.Candidate.Drawings,
            Corrections = trainedOn,
        };
    }
}
