using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Logging;

namespace Digit.Testing.Browser;

/// <summary>
/// Serves the files of one folder on its own 127.0.0.1 port, so a page it serves runs on an origin of its own,
/// as the frontend does next to the API.
/// </summary>
public sealed class StaticPageServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private StaticPageServer(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    /// <summary>The origin of the pages served, as a browser sends it: <c>http://127.0.0.1:port</c>.</summary>
    public string Origin => BaseAddress.GetLeftPart(UriPartial.Authority);

    public static async Task<StaticPageServer> StartAsync(string folder)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.UseStaticFiles(new StaticFileOptions { FileProvider = new PhysicalFileProvider(folder) });
        await app.StartAsync();
        return new StaticPageServer(app, new Uri(app.Urls.Single()));
    }

    /// <summary>The address of <paramref name="page"/> with <paramref name="query"/> escaped into its query string.</summary>
    public Uri PageAddress(string page, IReadOnlyDictionary<string, string> query) =>
        new(BaseAddress, page + "?" + string.Join('&', query.Select(pair => $"{pair.Key}={Uri.EscapeDataString(pair.Value)}")));

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
