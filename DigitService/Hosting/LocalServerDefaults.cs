using Microsoft.Extensions.Configuration.Memory;

namespace Digit.Service.Hosting;

/// <summary>Defaults of the local server that the Functions host sets for itself.</summary>
public static class LocalServerDefaults
{
    /// <summary>The port `func start` uses, so the frontend's base URL works with either host.</summary>
    public const int Port = 7071;

    /// <summary>
    /// ASP.NET Core logs six Information lines for every request (start, endpoint, result, finish), which
    /// cost the local server most of its throughput; like the web templates' appsettings.json, its
    /// categories default to Warning here. These are the lowest-priority settings: any configuration source
    /// (Logging__LogLevel__Microsoft.AspNetCore=Information in the environment) overrides them.
    /// </summary>
    public static IConfigurationManager AddLocalServerLogDefaults(this IConfigurationManager configuration)
    {
        configuration.Sources.Insert(0, new MemoryConfigurationSource
        {
            InitialData = new Dictionary<string, string?> { ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning" },
        });
        return configuration;
    }

    /// <summary>Listens on localhost:7071 unless --urls, ASPNETCORE_URLS or PORT says otherwise.</summary>
    public static IWebHostBuilder UseLocalServerDefaults(this IWebHostBuilder webHost, IConfiguration configuration)
    {
        if (!string.IsNullOrEmpty(configuration["urls"]))
        {
            return webHost;
        }
        var port = int.TryParse(configuration["PORT"], out var configured) ? configured : Port;
        return webHost.UseUrls($"http://localhost:{port}");
    }
}
