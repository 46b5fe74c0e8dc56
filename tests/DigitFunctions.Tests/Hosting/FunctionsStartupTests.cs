using Digit.Functions.Tests.TestSupport;
using Digit.Backend.Hosting;
using Digit.Testing;

namespace Digit.Functions.Tests.Hosting;

/// <summary>Start-up refuses a REDIS_URL it cannot use, saying which and why, instead of failing on the first request.</summary>
public sealed class FunctionsStartupTests
{
    [Fact]
    public async Task Start_RedisUnreachable_FailsNamingTheUrl()
    {
        var url = $"redis://127.0.0.1:{ServerProcess.FindFreePort()}/0";
        using var app = FunctionsApp.Build(Settings(url));

        var failure = await Assert.ThrowsAsync<InvalidSettingException>(() => app.StartAsync());

        Assert.Contains($"Redis at REDIS_URL '{url}' cannot be reached (UnableToConnect): start Redis there or correct REDIS_URL.", failure.Message);
    }

    [Fact]
    public async Task Start_RedisUrlMalformed_FailsSayingWhatItExpects()
    {
        using var app = FunctionsApp.Build(Settings("redis://bad host:6379"));

        var failure = await Assert.ThrowsAsync<InvalidSettingException>(() => app.StartAsync());

        Assert.Contains("REDIS_URL 'redis://bad host:6379' is not a Redis URL (redis://host:6379/0)", failure.Message);
    }

    private static Dictionary<string, string?> Settings(string redisUrl) => new()
    {
        ["REDIS_URL"] = redisUrl,
        ["MODEL_DIR"] = Path.Combine(Path.GetTempPath(), $"digit-functions-{Guid.NewGuid():N}"),
        ["SHIPPED_MODEL"] = "",
    };
}
