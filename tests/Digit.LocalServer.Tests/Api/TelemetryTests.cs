using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using Digit.Inference.Telemetry;
using Digit.LocalServer.Tests.Support;
using Digit.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Digit.LocalServer.Tests.Api;

/// <summary>
/// What the local server emits, read with OpenTelemetry's in-memory exporter: a span per prediction with decode,
/// preprocess and infer children, and every metric the docs list; and that the OTLP exporter really sends them
/// when OTEL_EXPORTER_OTLP_ENDPOINT is set.
/// </summary>
public sealed class TelemetryTests : IAsyncLifetime
{
    private readonly List<Activity> _spans = [];
    private readonly List<Metric> _metrics = [];
    private InProcessLocalServer? _server;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    [Fact]
    public async Task PredictionsAndATrainingRun_EmitTheDocumentedSpansAndMetrics()
    {
        _server = await InProcessLocalServer.StartAsync(
            new Dictionary<string, string?> { ["TRAINING_EPOCHS"] = "1", ["TRAINING_SAMPLES"] = "1000" },
            services => services.AddOpenTelemetry()
                // As the server's own wiring does: request spans are the parents of Digit's (which follow their sampling).
                .WithTracing(tracing => tracing.AddSource(DigitTelemetry.Name).AddAspNetCoreInstrumentation().AddInMemoryExporter(_spans))
                .WithMetrics(metrics => metrics.AddMeter(DigitTelemetry.Name).AddInMemoryExporter(_metrics)));
        var version = await _server.ModelVersionAsync();

        using (await _server.Client.PostAsync("/api/drawing/", Drawings.Body(Drawings.FrontendDataUrl(MnistFolder.Test, 0))))
        using (await _server.Client.PostAsync("/api/drawing/", new StringContent("{\"drawing\":\"@@\"}", Encoding.UTF8, "application/json")))
        using (await _server.Client.PostAsync("/api/retrain_model/", null))
        {
        }
        await ProgressEvents.ReadAllAsync(_server.Client, TimeSpan.FromMinutes(3));
        await _server.ActivateAsync(version!);
        _server.Services.GetRequiredService<TracerProvider>().ForceFlush();
        _server.Services.GetRequiredService<MeterProvider>().ForceFlush();

        var recognize = Assert.Single(_spans, span => span.DisplayName == "Recognize drawing" && span.GetTagItem("digit.digit") is not null);
        Assert.Equal(version, recognize.GetTagItem("digit.model.version"));
        var children = _spans.Where(span => span.ParentSpanId == recognize.SpanId).Select(span => span.DisplayName).ToArray();
        Assert.Equal(["Decode", "Preprocess", "Infer"], children);
        Assert.Contains(_spans, span => span.DisplayName == "Train epoch");
        Assert.Contains(_spans, span => span.DisplayName == "Publish model");

        var names = _metrics.Select(metric => metric.Name).ToHashSet();
        Assert.Superset(new HashSet<string>
        {
            "digit.prediction.duration", "digit.predictions", "digit.prediction.errors", "digit.model.served", "digit.model.accuracy",
            "digit.training.epoch.duration", "digit.training.throughput", "digit.training.epoch.accuracy", "digit.training.runs",
        }, names);
        Assert.Contains(("digit.predictions", "digit.digit", (object?)7L), Points());
        Assert.Contains(("digit.prediction.errors", "error.kind", (object?)"bad_base64"), Points());
        Assert.Contains(("digit.training.runs", "digit.outcome", (object?)"completed"), Points());
    }

    [Fact]
    public async Task OtlpEndpointSet_SpansAndMetricsAreSentToIt()
    {
        await using var collector = await OtlpCollector.StartAsync();
        _server = await InProcessLocalServer.StartAsync(new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.Endpoint,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
        });

        using (await _server.Client.PostAsync("/api/drawing/", Drawings.Body(Drawings.FrontendDataUrl(MnistFolder.Test, 0))))
        {
        }

        await _server.WaitUntilAsync(() => Task.FromResult(collector.Received("/v1/traces", "Recognize drawing")), TimeSpan.FromSeconds(20), "the span to reach the collector");
        await _server.WaitUntilAsync(() => Task.FromResult(collector.Received("/v1/metrics", "digit.prediction.duration")), TimeSpan.FromSeconds(20), "the metric to reach the collector");
    }

    [Fact]
    public async Task NoExporterSet_NoTelemetryPipelineIsBuilt()
    {
        _server = await InProcessLocalServer.StartAsync();

        Assert.Null(_server.Services.GetService<TracerProvider>());
        Assert.Null(_server.Services.GetService<MeterProvider>());
    }

    private IEnumerable<(string Metric, string Tag, object? Value)> Points()
    {
        foreach (var metric in _metrics)
        {
            foreach (var point in metric.GetMetricPoints())
            {
                foreach (var tag in point.Tags)
                {
                    yield return (metric.Name, tag.Key, tag.Value is int number ? (long)number : tag.Value);
                }
            }
        }
    }

    /// <summary>An OTLP/HTTP endpoint that keeps what it is sent (protobuf holds strings as they are, so names can be found in it).</summary>
    private sealed class OtlpCollector : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly ConcurrentQueue<(string Path, byte[] Body)> _received = new();

        private OtlpCollector(WebApplication app) => _app = app;

        public string Endpoint => _app.Urls.Single();

        public static async Task<OtlpCollector> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            var collector = new OtlpCollector(app);
            app.MapPost("/v1/{signal}", async (HttpContext context) =>
            {
                using var body = new MemoryStream();
                await context.Request.Body.CopyToAsync(body);
                collector._received.Enqueue((context.Request.Path, body.ToArray()));
                return Results.Ok();
            });
            await app.StartAsync();
            return collector;
        }

        public bool Received(string path, string text) =>
            _received.Any(item => item.Path == path && Encoding.UTF8.GetString(item.Body).Contains(text, StringComparison.Ordinal));

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
