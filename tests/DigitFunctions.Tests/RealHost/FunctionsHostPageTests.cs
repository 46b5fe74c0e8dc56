using Digit.Testing.Browser;
using Xunit.Abstractions;

namespace Digit.Functions.Tests.RealHost;

/// <summary>The built-in page in Chromium, served by the Functions app under the real host.</summary>
public sealed class FunctionsHostPageTests(FunctionsHostBrowserFixture browser, ITestOutputHelper output)
    : PageSuite(browser, output), IClassFixture<FunctionsHostBrowserFixture>;
