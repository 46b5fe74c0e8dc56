using Digit.Service.Tests.TestSupport;

namespace Digit.Service.Tests.Browser;

/// <summary>
/// What the browser tests share: the test page served from two origins (one in FRONTEND_URL, one not), a
/// headless Chromium, and two real local servers: one that only predicts and one that trains, so that a model
/// published by a short test run never answers the drawing tests.
/// </summary>
public sealed class FrontendBrowserFixture : IAsyncLifetime
{
    private StaticPageServer? _allowedPages;
    private StaticPageServer? _disallowedPages;
    private LocalServer? _server;
    private LocalServer? _trainingServer;
    private ChromiumBrowser? _chromium;

    /// <summary>Serves the page from the origin the server allows.</summary>
    internal StaticPageServer AllowedPages => _allowedPages ?? throw NotStarted();

    /// <summary>Serves the same page from an origin the server does not allow.</summary>
    internal StaticPageServer DisallowedPages => _disallowedPages ?? throw NotStarted();

    /// <summary>Serves the shipped model; nothing trains on it.</summary>
    internal LocalServer Server => _server ?? throw NotStarted();

    /// <summary>Trains on 1,000 images for 2 epochs and publishes what it trains.</summary>
    internal LocalServer TrainingServer => _trainingServer ?? throw NotStarted();

    internal ChromiumBrowser Chromium => _chromium ?? throw NotStarted();

    public async Task InitializeAsync()
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "Browser", "Page");
        _allowedPages = await StaticPageServer.StartAsync(folder);
        _disallowedPages = await StaticPageServer.StartAsync(folder);
        var settings = new Dictionary<string, string?> { ["FRONTEND_URL"] = _allowedPages.Origin };
        var server = LocalServer.StartAsync(settings);
        var trainingServer = LocalServer.StartAsync(settings);
        var chromium = ChromiumBrowser.LaunchAsync();
        try
        {
            await Task.WhenAll(server, trainingServer, chromium);
        }
        finally
        {
            _server = server.IsCompletedSuccessfully ? server.Result : null;
            _trainingServer = trainingServer.IsCompletedSuccessfully ? trainingServer.Result : null;
            _chromium = chromium.IsCompletedSuccessfully ? chromium.Result : null;
        }
    }

    public async Task DisposeAsync()
    {
        if (_chromium is not null)
        {
            await _chromium.DisposeAsync();
        }
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
        if (_trainingServer is not null)
        {
            await _trainingServer.DisposeAsync();
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
