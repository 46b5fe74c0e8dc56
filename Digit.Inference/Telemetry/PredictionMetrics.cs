using System.Diagnostics.Metrics;
using Digit.Inference.Prediction;

namespace Digit.Inference.Telemetry;

/// <summary>
/// The prediction path's metrics: how long each prediction takes, which digits are predicted, why drawings are
/// refused, and which model is served (with its accuracy).
/// </summary>
public sealed class PredictionMetrics
{
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _predictions;
    private readonly Counter<long> _errors;

    /// <summary>Instruments on the meter named <see cref="DigitTelemetry.Name"/>; the gauges read <paramref name="models"/>.</summary>
    public PredictionMetrics(IMeterFactory meters, ModelProvider models)
    {
        var meter = meters.Create(DigitTelemetry.Name);
        _duration = meter.CreateHistogram<double>("digit.prediction.duration", "s", "Time to decode, preprocess and classify one drawing");
        _predictions = meter.CreateCounter<long>("digit.predictions", "{prediction}", "Drawings classified, by digit");
        _errors = meter.CreateCounter<long>("digit.prediction.errors", "{error}", "Drawings not classified, by kind");
        meter.CreateObservableGauge("digit.model.served", () => Served(models, model => 1), "{model}", "The served model, as its version tag");
        meter.CreateObservableGauge("digit.model.accuracy", () => Served(models, model => model.Version.Accuracy ?? double.NaN), "1", "Test accuracy of the served model");
    }

    /// <summary>A drawing was classified as <paramref name="digit"/> in <paramref name="seconds"/>.</summary>
    public void Predicted(int digit, double seconds, string modelVersion)
    {
        _duration.Record(seconds, new KeyValuePair<string, object?>("digit.model.version", modelVersion));
        _predictions.Add(1, new KeyValuePair<string, object?>("digit.digit", digit));
    }

    /// <summary>A drawing was not classified, for the reason <paramref name="kind"/> (a refusal's kind, or no_model).</summary>
    public void Failed(string kind) => _errors.Add(1, new KeyValuePair<string, object?>("error.kind", kind));

    private static IEnumerable<Measurement<T>> Served<T>(ModelProvider models, Func<ServedModel, T> value) where T : struct =>
        models.Current is { } model
            ? [new Measurement<T>(value(model), new KeyValuePair<string, object?>("digit.model.version", model.Version.Version))]
            : [];
}
