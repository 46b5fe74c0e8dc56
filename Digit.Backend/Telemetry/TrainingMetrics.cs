using System.Diagnostics.Metrics;
using Digit.Backend.Runs;
using Digit.Inference.Telemetry;

namespace Digit.Backend.Telemetry;

/// <summary>Retraining's metrics: how long epochs take and how fast they go, each epoch's accuracy, and how runs end.</summary>
public sealed class TrainingMetrics
{
    private readonly Histogram<double> _epochDuration;
    private readonly Histogram<double> _throughput;
    private readonly Histogram<double> _epochAccuracy;
    private readonly Counter<long> _runs;

    /// <summary>Instruments on the meter named <see cref="DigitTelemetry.Name"/>.</summary>
    public TrainingMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(DigitTelemetry.Name);
        _epochDuration = meter.CreateHistogram<double>("digit.training.epoch.duration", "s", "Time to train one epoch");
        _throughput = meter.CreateHistogram<double>("digit.training.throughput", "{sample}/s", "Training samples per second over an epoch");
        _epochAccuracy = meter.CreateHistogram<double>("digit.training.epoch.accuracy", "1", "Training accuracy of each finished epoch");
        _runs = meter.CreateCounter<long>("digit.training.runs", "{run}", "Runs ended, by outcome");
    }

    /// <summary>An epoch finished.</summary>
    public void EpochTrained(int epoch, double seconds, int samples, double accuracy)
    {
        var tag = new KeyValuePair<string, object?>("digit.epoch", epoch);
        _epochDuration.Record(seconds, tag);
        if (seconds > 0)
        {
            _throughput.Record(samples / seconds, tag);
        }
        _epochAccuracy.Record(accuracy, tag);
    }

    /// <summary>A run ended with <paramref name="status"/> (completed, interrupted or error).</summary>
    public void RunEnded(TrainingStatus status) =>
        _runs.Add(1, new KeyValuePair<string, object?>("digit.outcome", status.ToContractName()));
}
