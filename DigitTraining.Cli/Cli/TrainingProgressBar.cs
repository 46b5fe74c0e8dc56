using Digit.Training.Data;
using Digit.Training.Training;
using Spectre.Console;

namespace Digit.Training.Cli;

/// <summary>Trains epoch after epoch with a live progress bar: epoch, %, loss, accuracy, samples/s.</summary>
internal static class TrainingProgressBar
{
    public static async Task<IReadOnlyList<EpochResult>> RunAsync(
        EpochTrainer trainer,
        TrainingOptions options,
        MnistSet train,
        Action<EpochResult>? afterEpoch,
        CancellationToken cancellationToken)
    {
        var results = new List<EpochResult>();
        await AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(context =>
            {
                TrainingCheckpoint? checkpoint = null;
                for (var epoch = 1; epoch <= options.Epochs && !cancellationToken.IsCancellationRequested; epoch++)
                {
                    var task = context.AddTask(Describe(epoch, options.Epochs, null), maxValue: 100);
                    var progress = new SynchronousProgress<EpochProgress>(p =>
                    {
                        task.Value = p.Percentage;
                        task.Description = Describe(p.Epoch, options.Epochs, p);
                    });
                    var result = trainer.TrainEpoch(train, checkpoint, progress, cancellationToken);
                    results.Add(result);
                    if (result.Report.Stopped)
                    {
                        task.Description = $"epoch {epoch}/{options.Epochs} [yellow]stopped[/]";
                        break;
                    }
                    task.Value = 100;
                    checkpoint = result.Checkpoint;
                    afterEpoch?.Invoke(result);
                }
                return Task.CompletedTask;
            });
        return results;
    }

    private static string Describe(int epoch, int epochs, EpochProgress? progress) => progress is null
        ? $"epoch {epoch}/{epochs}"
        : $"epoch {epoch}/{epochs}  loss {progress.Loss:F4}  acc {progress.Accuracy:P2}  {progress.SamplesPerSecond:N0} samples/s";
}
