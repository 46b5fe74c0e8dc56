using System.Globalization;
using Digit.Service.Models;
using Digit.Service.Training;
using Digit.Training.Training;
using Microsoft.Extensions.Logging;

namespace Digit.Service.Retraining.Steps;

/// <summary>
/// One epoch of a run, for any host: loads the run's checkpoint, trains one epoch, writes progress every
/// poll interval, stops at the next batch once the run's stop flag is up, and saves the new checkpoint.
/// </summary>
public sealed class TrainEpochStep(
    IModelStore models,
    ITrainingStateStore state,
    MnistDataSource mnist,
    RetrainStepOptions options,
    TimeProvider time,
    ILogger<TrainEpochStep> logger)
{
    /// <summary>
    /// Trains the epoch. A stop (the run's flag, or <paramref name="cancellationToken"/>) is an outcome, not an
    /// error: the epoch returns <see cref="EpochOutcome.Stopped"/>, whether it was loading data or mid-epoch.
    /// </summary>
    public async Task<EpochOutcome> RunAsync(EpochRequest request, CancellationToken cancellationToken)
    {
        await using var lease = RunLease.Keep(state, request.RunId, options, time, logger);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var latest = new LatestProgress();
        var watching = WatchAsync(request, latest, stop);
        try
        {
            return await TrainAsync(request, latest, stop.Token);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            logger.LogInformation("Run {RunId}: epoch {Epoch} stopped before training began", request.RunId, request.Epoch);
            return new EpochOutcome(request.Epoch, true, 0, 0, 0);
        }
        finally
        {
            await stop.CancelAsync();
            await watching;
        }
    }

    private async Task<EpochOutcome> TrainAsync(EpochRequest request, LatestProgress latest, CancellationToken stopToken)
    {
        var data = await mnist.GetAsync(stopToken).WaitAsync(stopToken);
        var checkpoint = await ReadCheckpointAsync(request, stopToken);
        if (checkpoint is not null && checkpoint.EpochsCompleted >= request.Epoch)
        {
            // A retry of an epoch whose checkpoint was already saved: it is done.
            return new EpochOutcome(request.Epoch, false, checkpoint.LastEpochLoss, checkpoint.LastEpochAccuracy, 0);
        }

        var trainer = new EpochTrainer(new TrainingOptions
        {
            Epochs = request.MaxEpochs,
            BatchSize = request.BatchSize,
            Seed = request.Seed,
            Threads = options.TrainingThreads,
            ProgressEveryBatches = 5,
        });
        var previousAccuracy = checkpoint is null ? null : FormatAccuracy(checkpoint.LastEpochAccuracy);
        latest.Set(new TrainingProgress(request.MaxEpochs, 0, request.Epoch - 1, previousAccuracy));
        var progress = new SynchronousProgress<EpochProgress>(p =>
            latest.Set(new TrainingProgress(request.MaxEpochs, Math.Round(p.Percentage, 1), request.Epoch - 1, previousAccuracy)));
        logger.LogInformation("Run {RunId}: training epoch {Epoch} of {MaxEpochs}", request.RunId, request.Epoch, request.MaxEpochs);
        var result = await Task.Factory.StartNew(
            () => trainer.TrainEpoch(data.Train, checkpoint, progress, stopToken),
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
        var report = result.Report;
        if (report.Stopped || result.Checkpoint is null)
        {
            logger.LogInformation("Run {RunId}: epoch {Epoch} stopped after {Samples} samples", request.RunId, request.Epoch, report.Samples);
            return new EpochOutcome(request.Epoch, true, report.Loss, report.Accuracy, report.Duration.TotalSeconds);
        }

        await models.SaveCheckpointAsync(request.RunId, result.Checkpoint.ToBytes(), CancellationToken.None);
        var accuracy = FormatAccuracy(report.Accuracy);
        latest.Set(new TrainingProgress(request.MaxEpochs, 100, request.Epoch, accuracy));
        logger.LogInformation(
            "Run {RunId}: epoch {Epoch} done in {Seconds:F1} s, loss {Loss:F4}, training accuracy {Accuracy}%",
            request.RunId, request.Epoch, report.Duration.TotalSeconds, report.Loss, accuracy);
        return new EpochOutcome(request.Epoch, false, report.Loss, report.Accuracy, report.Duration.TotalSeconds);
    }

    /// <summary>The contract's accuracy: percent as a string with two decimals ("98.31").</summary>
    private static string FormatAccuracy(double fraction) => (fraction * 100).ToString("F2", CultureInfo.InvariantCulture);

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

    /// <summary>Every poll interval: writes the latest progress and looks at the stop flag.</summary>
    private async Task WatchAsync(EpochRequest request, LatestProgress latest, CancellationTokenSource stop)
    {
        TrainingProgress? written = null;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                var progress = latest.Value;
                if (progress is not null && progress != written)
                {
                    await state.SetProgressAsync(request.RunId, progress, CancellationToken.None);
                    written = progress;
                }
                if (await state.IsStopRequestedAsync(request.RunId, CancellationToken.None))
                {
                    await stop.CancelAsync();
                    break;
                }
                await Task.Delay(options.PollInterval, time, stop.Token);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                break;
            }
            catch (Exception exception)
            {
                // The shared state being briefly unreachable must not kill the epoch; the next tick retries.
                logger.LogWarning(exception, "Run {RunId}: writing progress or reading the stop flag failed", request.RunId);
                await Task.Delay(options.PollInterval, time, CancellationToken.None);
            }
        }
        await WriteFinalProgressAsync(request.RunId, latest.Value, written);
    }

    private async Task WriteFinalProgressAsync(string runId, TrainingProgress? progress, TrainingProgress? written)
    {
        if (progress is null || progress == written)
        {
            return;
        }
        try
        {
            await state.SetProgressAsync(runId, progress, CancellationToken.None);
        }
        catch (Exception exception)
        {
            logger.LogWarning(exception, "Run {RunId}: writing the final progress failed", runId);
        }
    }

    /// <summary>The newest progress, handed from the training thread to the writer.</summary>
    private sealed class LatestProgress
    {
        private TrainingProgress? _value;

        public TrainingProgress? Value => Volatile.Read(ref _value);

        public void Set(TrainingProgress value) => Volatile.Write(ref _value, value);
    }
}
