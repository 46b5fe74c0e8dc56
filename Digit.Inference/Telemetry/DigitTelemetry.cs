using System.Diagnostics;

namespace Digit.Inference.Telemetry;

/// <summary>The names under which Digit publishes its spans and metrics, and the source of its spans.</summary>
public static class DigitTelemetry
{
    /// <summary>The name of Digit's <see cref="ActivitySource"/> and <see cref="System.Diagnostics.Metrics.Meter"/>.</summary>
    public const string Name = "Digit";

    /// <summary>
    /// Digit's spans. Static, as .NET asks of an ActivitySource: it costs nothing while nobody listens, and
    /// listeners (an OpenTelemetry tracer, a test) subscribe to it by name.
    /// </summary>
    public static readonly ActivitySource Activities = new(Name);
}
