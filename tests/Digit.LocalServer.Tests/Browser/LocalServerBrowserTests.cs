using Digit.LocalServer.Tests.Support;
using Digit.Testing.Browser;
using Digit.Testing.Hosts;
using Xunit.Abstractions;

namespace Digit.LocalServer.Tests.Browser;

/// <summary>The local server for the browser suite, allowing the test page's origin.</summary>
public sealed class LocalServerBrowserFixture : BrowserFixture
{
    protected override DigitHost CreateHost(string allowedOrigin) =>
        new InProcessLocalServer(new Dictionary<string, string?> { ["FRONTEND_URL"] = allowedOrigin });
}

/// <summary>The frontend-like page in Chromium against the local server.</summary>
public sealed class LocalServerBrowserTests(LocalServerBrowserFixture browser, ITestOutputHelper output)
    : BrowserSuite(browser, output), IClassFixture<LocalServerBrowserFixture>;
