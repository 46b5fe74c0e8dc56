using Digit.Backend.Api;
using Digit.Backend.Hosting;
using Digit.Backend.Retraining;
using Digit.Backend.Telemetry;
using OpenTelemetry.Trace;
using Microsoft.AspNetCore.HostFiltering;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.Options;

namespace Digit.LocalServer;

/// <summary>What makes the shared backend a local server: its defaults, the in-process runner and the middleware.</summary>
internal static class LocalServerSetup
{
    /// <summary>
    /// The lowest-priority settings, which any configuration source overrides:
    /// ASP.NET Core's six Information lines per request cost most of the throughput, so its categories log at
    /// Warning (as the web templates' appsettings.json do); and only requests for this machine's own names are
    /// answered, so a URL the server writes (a 202's statusQueryGetUri) never carries a Host header someone made up.
    /// </summary>
    private static readonly Dictionary<string, string?> Defaults = new()
    {
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
        ["AllowedHosts"] = "localhost;127.0.0.1;[::1]",
    };

    public static WebApplicationBuilder AddLocalServer(this WebApplicationBuilder builder)
    {
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = Defaults });
        // PORT is validated at start with every other setting, so the endpoint is set once the options are read.
        builder.Services.AddSettings<LocalServerOptions, LocalServerOptionsValidator>();
        var urlsGiven = !string.IsNullOrEmpty(builder.Configuration["urls"]);
        builder.Services.AddOptions<KestrelServerOptions>().Configure<IOptions<LocalServerOptions>>((kestrel, server) =>
        {
            kestrel.AddServerHeader = false;
            if (!urlsGiven)
            {
                kestrel.ListenLocalhost(server.Value.Port);
            }
        });
        builder.Logging.AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.TimestampFormat = "HH:mm:ss.fff ";
        });

        // First of the startup filters, so outside host filtering's (see ProblemAnswers).
        builder.Services.Insert(0, ServiceDescriptor.Transient<IStartupFilter, ProblemAnswers>());
        // Host filtering writes an HTML page with its 400 unless told not to; then the 400 is a problem too.
        builder.Services.Configure<HostFilteringOptions>(hosts => hosts.IncludeFailureMessage = false);
        builder.Services.AddDigitService();
        builder.Services.AddDigitTelemetry(builder.Configuration, telemetry => telemetry.WithTracing(tracing => tracing.AddAspNetCoreInstrumentation()));
        builder.Services.AddOpenApi(openApi => openApi.AddDocumentTransformer<TrailingSlashPaths>());
        builder.Services.AddSingleton<LocalRetrainSteps>();
        builder.Services.AddSingleton<LocalRetrainRunner>();
        builder.Services.AddSingleton<IRetrainExecutor>(provider => provider.GetRequiredService<LocalRetrainRunner>());
        builder.Services.AddHostedService(provider => provider.GetRequiredService<LocalRetrainRunner>());
        builder.Services.AddHostedService<TorchPreloader>();
        return builder;
    }

    public static WebApplication UseLocalServer(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            context.Response.Headers.XContentTypeOptions = "nosniff";
            return next(context);
        });
        app.UseCors(DigitServiceCollectionExtensions.CorsPolicy);
        app.MapDigitApi();
        app.MapOpenApi();
        return app;
    }
}
