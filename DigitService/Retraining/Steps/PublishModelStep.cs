using Digit.Service.Models;
using Digit.Service.Training;
using Digit.Training.Onnx;
using Digit.Training.Training;
using Microsoft.Extensions.Logging;

namespace Digit.Service.Retraining.Steps;

/// <summary>
/// The end of a run, for any host: evaluates the trained model on the 10,000 test images, exports it to
/// ONNX and publishes it as a new version with its accuracy. Every instance's model watcher then serves it.
/// </summary>
public sealed class PublishModelStep(
    IModelStore models,
    ITrainingStateStore state,
    MnistDataSource mnist,
    RetrainStepOptions options,
    TimeProvider time,
    ILogger<PublishModelStep> logger)
{
    public async Task<PublishOutcome> RunAsync(PublishRequest request, CancellationToken cancellationToken)
    {
        await using var lease = RunLease.Keep(state, request.RunId, options, time, logger);
        var bytes = await models.ReadCheckpointAsync(request.RunId, cancellationToken)
            ?? throw new InvalidOperationException($"Run {request.RunId} has no trained checkpoint to publish.");
        var checkpoint = TrainingCheckpoint.FromBytes(bytes);
        var data = await mnist.GetAsync(cancellationToken);

        var (onnx, accuracy) = await Task.Factory.StartNew(
            () =>
            {
                TorchRuntime.UseThreads(options.TrainingThreads > 0 ? options.TrainingThreads : Environment.ProcessorCount);
                using var model = checkpoint.RestoreModel();
                var testAccuracy = ModelEvaluator.Accuracy(model, data.Test, cancellationToken: cancellationToken);
                var exported = OnnxExporter.Export(model, new OnnxModelInfo(testAccuracy, checkpoint.EpochsCompleted, time.GetUtcNow()));
                return (exported, testAccuracy);
            },
            cancellationToken,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);

        var version = await models.PublishAsync(onnx, accuracy, cancellationToken);
        await models.DeleteCheckpointAsync(request.RunId, cancellationToken);
        logger.LogInformation("Run {RunId}: published model {Version} with test accuracy {Accuracy:P2}", request.RunId, version.Version, accuracy);
        return new PublishOutcome(version.Version, accuracy);
    }
}
