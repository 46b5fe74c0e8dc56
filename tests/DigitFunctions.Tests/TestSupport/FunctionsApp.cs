using Digit.Functions.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Digit.Functions.Tests.TestSupport;

/// <summary>
/// The Functions app's services and hosted services, started by a generic host the way the Functions worker starts
/// them (the worker itself needs the Functions host, which cannot run here). Settings are app settings.
/// </summary>
internal static class FunctionsApp
{
    public static IHost Build(IReadOnlyDictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddLogging();
        builder.Services.AddDigitFunctions(builder.Configuration);
        return builder.Build();
    }
}
