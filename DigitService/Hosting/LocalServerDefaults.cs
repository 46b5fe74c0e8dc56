namespace Digit.Service.Hosting;

/// <summary>Defaults of the local server that the Functions host sets for itself.</summary>
public static class LocalServerDefaults
{
    /// <summary>The port `func start` uses, so the frontend's base URL works with either host.</summary>
    public const int Port = 7071;

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
