using Digit.Testing.Browser;
using Xunit.Abstractions;

namespace Digit.LocalServer.Tests.Browser;

/// <summary>The built-in page in Chromium, served by the local server itself.</summary>
public sealed class LocalServerPageTests(LocalServerBrowserFixture browser, ITestOutputHelper output)
    : PageSuite(browser, output), IClassFixture<LocalServerBrowserFixture>;
