namespace Digit.Training.Training;

/// <summary>
/// What one epoch did. <see cref="Epoch"/> is 1-based. When <see cref="Stopped"/> is true the epoch was
/// cancelled part-way; its numbers cover the batches that ran and its work was not kept.
/// </summary>
public sealed record EpochReport(
    int Epoch,
    double Loss,
    double Accuracy,
    int Samples,
    TimeSpan Duration,
    bool Stopped)
{
    /// <summary>Training throughput over <see cref="Duration"/>; 0 when no time was measured.</summary>
    public double SamplesPerSecond => Duration > TimeSpan.Zero ? Samples / Duration.TotalSeconds : 0;
}

/// <summary>Progress inside an epoch: percentage of the epoch done, running loss and training accuracy (fractions).</summary>
public sealed record EpochProgress(int Epoch, double Percentage, double Loss, double Accuracy, int Samples, double SamplesPerSecond);

/// <summary>
/// The checkpoint to continue from and the report of the epoch that produced it. A stopped epoch keeps the
/// checkpoint it started from, which is null for a stopped first epoch.
/// </summary>
public sealed record EpochResult(TrainingCheckpoint? Checkpoint, EpochReport Report);
