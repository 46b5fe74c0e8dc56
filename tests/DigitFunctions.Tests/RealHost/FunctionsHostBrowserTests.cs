using Digit.Testing.Browser;
using Digit.Testing.Hosts;
using Xunit.Abstractions;

namespace Digit.Functions.Tests.RealHost;

/// <summary>The Functions app under the real host for the browser suite, allowing the test page's origin.</summary>
public sealed class FunctionsHostBrowserFixture : BrowserFixture
{
    protected override DigitHost CreateHost(string allowedOrigin) =>
        new FunctionsHost(new Dictionary<string, string?>
        {
            ["FRONTEND_URL"] = allowedOrigin,
            ["CORS_ALLOWED_ORIGINS"] = $"[\"{allowedOrigin}\"]",
        });
}

/// <summary>The frontend-like page in Chromium against the Functions app under the real host.</summary>
public sealed class FunctionsHostBrowserTests(FunctionsHostBrowserFixture browser, ITestOutputHelper output)
    : BrowserSuite(browser, output), IClassFixture<FunctionsHostBrowserFixture>;
