using Digit.Testing.Hosts;

namespace Digit.Functions.Tests.RealHost;

/// <summary>The feedback limits suite against the Functions app under the real Functions host, with a small cap and a slow rate.</summary>
public sealed class FunctionsHostFeedbackLimitsTests(FunctionsHostFeedbackLimitsTests.LimitedHost host)
    : FeedbackLimitsSuite(host), IClassFixture<FunctionsHostFeedbackLimitsTests.LimitedHost>
{
    /// <summary>The Functions host with <see cref="FeedbackLimitsSuite.Settings"/>.</summary>
    public sealed class LimitedHost() : FunctionsHost(FeedbackLimitsSuite.Settings);
}
