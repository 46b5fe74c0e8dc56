using Digit.Testing.Hosts;

namespace Digit.Testing.Browser;

/// <summary>
/// What the browser tests share: a Digit host, the test page served from two origins (one in FRONTEND_URL, one
/// not) and a headless Chromium. A test class per host derives from this and starts its kind of host.
/// </summary>
public abstract class BrowserFixture : IAsyncLifetime
{
    private StaticPageServer? _allowedPages;
    private StaticPageServer? _disallowedPages;
    private DigitHost? _host;
    private ChromiumBrowser? _chromium;

    /// <summary>Serves the page from the origin the host allows.</summary>
    public StaticPageServer AllowedPages => _allowedPages ?? throw NotStarted();

    /// <summary>Serves the same page from an origin the host does not allow.</summary>
    public StaticPageServer DisallowedPages => _disallowedPages ?? throw NotStarted();

    /// <summary>The host the page talks to.</summary>
    public DigitHost Host => _host ?? throw NotStarted();

    public ChromiumBrowser Chromium => _chromium ?? throw NotStarted();

    /// <summary>A host (not started) whose FRONTEND_URL is <paramref name="allowedOrigin"/>.</summary>
    protected abstract DigitHost CreateHost(string allowedOrigin);

    public async Task InitializeAsync()
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "Browser", "Page");
        _allowedPages = await StaticPageServer.StartAsync(folder);
        _disallowedPages = await StaticPageServer.StartAsync(folder);
        var host = CreateHost(_allowedPages.Origin);
        var chromium = ChromiumBrowser.LaunchAsync();
        try
        {
            await Task.WhenAll(host.InitializeAsync(), chromium);
            _host = host;
        }
        finally
        {
            _chromium = chromium.IsCompletedSuccessfully ? chromium.Result : null;
            if (_host is null)
            {
                await host.DisposeAsync();
            }
        }
    }

    public async Task DisposeAsync()
    {
        if (_chromium is not null)
        {
            await _chromium.DisposeAsync();
        }
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
        if (_disallowedPages is not null)
        {
            await _disallowedPages.DisposeAsync();
        }
        if (_allowedPages is not null)
        {
            await _allowedPages.DisposeAsync();
        }
    }

    private static InvalidOperationException NotStarted() => new("The browser fixture has not started.");
}
