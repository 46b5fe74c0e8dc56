using Digit.LocalServer.Tests.Support;
using Digit.Testing.Hosts;

namespace Digit.LocalServer.Tests.Api;

/// <summary>The feedback limits suite against the local server with a small cap and a slow rate.</summary>
public sealed class LocalServerFeedbackLimitsTests(LocalServerFeedbackLimitsTests.LimitedServer host)
    : FeedbackLimitsSuite(host), IClassFixture<LocalServerFeedbackLimitsTests.LimitedServer>
{
    /// <summary>The local server with <see cref="FeedbackLimitsSuite.Settings"/>.</summary>
    public sealed class LimitedServer() : InProcessLocalServer(FeedbackLimitsSuite.Settings);
}
