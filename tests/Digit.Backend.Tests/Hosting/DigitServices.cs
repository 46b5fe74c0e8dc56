using Digit.Backend.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Digit.Backend.Tests.Hosting;

/// <summary>The services both hosts share (<c>AddDigitService</c>), built over settings given by their environment names.</summary>
internal static class DigitServices
{
    /// <summary>A provider of the shared services, with <paramref name="root"/> (the temporary folder unless named) as content root.</summary>
    public static ServiceProvider Provider(Dictionary<string, string?> settings, string? root = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddSingleton(new ContentRoot(root ?? Path.GetTempPath()));
        services.AddLogging();
        services.AddDigitService();
        return services.BuildServiceProvider();
    }
}
