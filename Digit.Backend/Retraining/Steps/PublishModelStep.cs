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
/// before the model is stored. The new version becomes current only if the served model is still the one it was
/// judged against (a compare-and-switch in the model store), and a run found lost right after that switch switches
/// back, so a lost run never leaves its model served and never replaces a newer one.
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
    /// <summary>Why a model the rule would serve is kept back when another was made current while this run published.</summary>
    public const string ServedModelChanged = "another model was made current while this run was publishing, and this one was judged against the one before.";

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
        var (serve, keptReason) = (verdict.Serve, verdict.KeptReason);
        if (serve)
        {
            var judgedAgainst = served?.Version.Version;
            if (await models.ActivateIfCurrentAsync(stored.Version, judgedAgainst, CancellationToken.None) is null)
            {
                (serve, keptReason) = (false, ServedModelChanged);
            }
            else if (!await guard.ConfirmAsync() && guard.Ended == StepEnd.LostRun)
            {
                // The run was lost while the model was stored (its lease ran out and it was ended elsewhere): a lost
                // run must not change what is served, so the served model comes back unless someone changed it since.
                await UndoActivationAsync(stored.Version, judgedAgainst);
                logger.LogWarning("Run {RunId}: lost while publishing; model {Version} is stored but not served", request.RunId, stored.Version);
                return new PublishOutcome(StepEnd.LostRun, null, null);
            }
        }
        await models.DeleteCheckpointAsync(request.RunId, CancellationToken.None);
        logger.LogInformation(
            "Run {RunId}: stored model {Version}: MNIST {Accuracy:P2}, drawings {Drawings:P2}, held-out corrections {Corrections:P2} (served model: {Served}); trained with {TrainedOn} corrections; {Verdict}",
            request.RunId, stored.Version, accuracy, verdict.Candidate.Drawings, verdict.Candidate.Corrections, verdict.Served, trainedOn,
            serve ? "serving it" : keptReason);
        return new PublishOutcome(StepEnd.Done, stored.Version, accuracy, serve, keptReason)
        {
            DrawingsAccuracy = verdict.Candidate.Drawings,
            Corrections = trainedOn,
        };
    }

    private async Task UndoActivationAsync(string version, string? previous)
    {
        if (previous is null)
        {
            // No model was served before this one, so there is nothing to go back to.
            return;
        }
        if (await models.ActivateIfCurrentAsync(previous, version, CancellationToken.None) is null)
        {
            logger.LogInformation("Model {Version} was already replaced; nothing to undo", version);
        }
    }
}
