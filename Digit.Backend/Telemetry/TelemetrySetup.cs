using Azure.Monitor.OpenTelemetry.Exporter;
using Digit.Inference.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Digit.Backend.Telemetry;

/// <summary>
/// Where Digit's spans and metrics go: over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set, to Application Insights
/// when APPLICATIONINSIGHTS_CONNECTION_STRING is set, nowhere otherwise — then no telemetry pipeline is built at
/// all, and the instruments cost nothing because nobody listens.
/// </summary>
public static class TelemetrySetup
{
    /// <summary>The setting that turns on the OTLP exporter.</summary>
    public const string OtlpEndpoint = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>The setting that turns on the Application Insights exporter.</summary>
    public const string ApplicationInsights = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    /// <summary>
    /// The OpenTelemetry pipeline for Digit's spans and metrics, when an exporter is configured; null otherwise.
    /// <paramref name="configureHost"/> adds what the host brings (ASP.NET Core requests, Functions invocations).
    /// </summary>
    public static OpenTelemetryBuilder? AddDigitTelemetry(
        this IServiceCollection services, IConfiguration configuration, Action<OpenTelemetryBuilder>? configureHost = null)
    {
        var otlp = !string.IsNullOrWhiteSpace(configuration[OtlpEndpoint]);
        var applicationInsights = !string.IsNullOrWhiteSpace(configuration[ApplicationInsights]);
        if (!otlp && !applicationInsights)
        {
            return null;
        }
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("digit"))
            .WithTracing(tracing => tracing.AddSource(DigitTelemetry.Name))
            .WithMetrics(metrics => metrics.AddMeter(DigitTelemetry.Name));
        configureHost?.Invoke(telemetry);
        if (otlp)
        {
            telemetry.UseOtlpExporter();
        }
        if (applicationInsights)
        {
            telemetry.UseAzureMonitorExporter(options => options.ConnectionString = configuration[ApplicationInsights]);
        }
        return telemetry;
    }
}
