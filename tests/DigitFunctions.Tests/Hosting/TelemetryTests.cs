using System.Diagnostics;
using System.Text.Json;
using Digit.Backend.Runs;
using Digit.Functions.Http;
using Digit.Functions.Tests.TestSupport;
using Digit.Inference.Telemetry;
using Digit.Testing;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

using static Digit.Functions.Tests.TestSupport.TriggerCalls;

namespace Digit.Functions.Tests.Hosting;

/// <summary>What the Functions app's triggers and activities emit, read with OpenTelemetry's in-memory exporter.</summary>
[Collection(RedisCollection.Name)]
public sealed class TelemetryTests(RedisServerFixture redis)
{
    [Fact]
    public async Task APredictionAndATrainingRun_EmitTheDocumentedSpansAndMetrics()
    {
        var spans = new List<Activity>();
        var metrics = new List<Metric>();
        await using var host = await RetrainTestHost.StartAsync(redis, samples: 512, epochs: 1, RetrainTestHost.FastRetry, configureServices: services => services
            .AddOpenTelemetry()
            .WithTracing(tracing => tracing.AddSource(DigitTelemetry.Name).AddInMemoryExporter(spans))
            .WithMetrics(meters => meters.AddMeter(DigitTelemetry.Name).AddInMemoryExporter(metrics)));
        var tracer = host.Services.GetRequiredService<TracerProvider>();
        var meter = host.Services.GetRequiredService<MeterProvider>();

        var runId = await host.StartRunAsync();
        var ended = await host.WaitForEndAsync(runId);
        await host.Services.GetRequiredService<Digit.Inference.Prediction.ModelWatcher>().RefreshAsync(CancellationToken.None);
        var functions = ActivatorUtilities.CreateInstance<PredictionFunctions>(host.Services);
        var request = NewRequest(host.Services, JsonSerializer.Serialize(new { drawing = Drawings.FrontendDataUrl(MnistFolder.Test, 0) }));
        var (status, _) = await ExecuteAsync(host.Services, await functions.Drawing(request, CancellationToken.None));
        tracer.ForceFlush();
        meter.ForceFlush();

        Assert.Equal(TrainingStatus.Completed, ended.ReadOutputAs<Digit.Backend.Retraining.RunOutcome>()!.Status);
        Assert.Equal(200, status);
        var recognize = Assert.Single(spans, span => span.DisplayName == "Recognize drawing");
        Assert.Equal(["Decode", "Preprocess", "Infer"], spans.Where(span => span.ParentSpanId == recognize.SpanId).Select(span => span.DisplayName));
        Assert.Contains(spans, span => span.DisplayName == "Train epoch" && (string?)span.GetTagItem("digit.run.id") == runId);
        Assert.Contains(spans, span => span.DisplayName == "Publish model");
        Assert.Superset(new HashSet<string>
        {
            "digit.prediction.duration", "digit.predictions", "digit.model.served", "digit.model.accuracy",
            "digit.training.epoch.duration", "digit.training.throughput", "digit.training.epoch.accuracy", "digit.training.runs",
        }, metrics.Select(metric => metric.Name).ToHashSet());
    }
}
