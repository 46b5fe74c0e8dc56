using Digit.Service.Tests.TestSupport;

namespace Digit.Service.Tests.Hosting;

/// <summary>The local server refuses to start with a REDIS_URL it cannot use, and says which and why.</summary>
public sealed class LocalServerStartupTests
{
    [Fact]
    public async Task Start_RedisUnreachable_ExitsNamingTheUrl()
    {
        var url = $"redis://127.0.0.1:{ServerProcess.FindFreePort()}/0";

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            LocalServer.StartAsync(new Dictionary<string, string?> { ["REDIS_URL"] = url }));

        Assert.Contains("exited with code 1 ", failure.Message);
        Assert.Contains($"The local server cannot start: Redis at REDIS_URL '{url}' cannot be reached", failure.Message);
        Assert.DoesNotContain("Unhandled exception", failure.Message);
    }
}
