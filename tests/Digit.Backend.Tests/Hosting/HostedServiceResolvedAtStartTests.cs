using Digit.Backend.Hosting;
using Digit.Inference.Prediction;
using Digit.Backend.Runs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Digit.Backend.Tests.Hosting;

/// <summary>
/// Hosted services that connect to Redis and storage are built when the host starts them, not when it gathers them:
/// on Azure Functions the worker's connection to the host, started first, does not wait for them.
/// </summary>
public sealed class HostedServiceResolvedAtStartTests
{
    [Fact]
    public async Task Gather_ThenStartAndStop_BuildsTheServiceOnlyWhenStarted()
    {
        await using var provider = CountedServiceProvider();

        // The host gathers every hosted service before it starts the first.
        var hosted = Assert.Single(provider.GetServices<IHostedService>());
        Assert.Equal(0, provider.GetRequiredService<BuildCounter>().Built);

        await hosted.StartAsync(CancellationToken.None);
        var service = provider.GetRequiredService<CountedService>();
        Assert.Equal(1, provider.GetRequiredService<BuildCounter>().Built);
        Assert.True(service.Started);

        await hosted.StopAsync(CancellationToken.None);
        Assert.True(service.Stopped);
    }

    [Fact]
    public async Task Stop_NeverStarted_DoesNotBuildTheService()
    {
        await using var provider = CountedServiceProvider();

        await Assert.Single(provider.GetServices<IHostedService>()).StopAsync(CancellationToken.None);

        Assert.Equal(0, provider.GetRequiredService<BuildCounter>().Built);
    }

    [Fact]
    public void AddDigitService_GatheringHostedServices_ConnectsToNoRedis()
    {
        // Port 1 refuses at once: a Redis connection made while the services are gathered would throw here.
        using var provider = DigitServices.Provider(new() { ["REDIS_URL"] = "redis://127.0.0.1:1/0" });

        var hosted = provider.GetServices<IHostedService>().ToArray();

        Assert.Contains(hosted, service => service is HostedServiceResolvedAtStart<ModelWatcher>);
        Assert.Contains(hosted, service => service is HostedServiceResolvedAtStart<AbandonedRunSweeper>);
        Assert.Contains(hosted, service => service is DrawingPipelineWarmUp);
        Assert.ThrowsAny<Exception>(() => provider.GetRequiredService<IRunStore>());
    }

    /// <summary>A provider whose one hosted service is a <see cref="CountedService"/> built when it starts.</summary>
    private static ServiceProvider CountedServiceProvider()
    {
        var services = new ServiceCollection();
        services.AddSingleton<BuildCounter>();
        services.AddSingleton<CountedService>();
        services.AddHostedServiceResolvedAtStart<CountedService>();
        return services.BuildServiceProvider();
    }

    /// <summary>How often the provider built a <see cref="CountedService"/>.</summary>
    private sealed class BuildCounter
    {
        public int Built { get; set; }
    }

    /// <summary>A hosted service that counts its builds.</summary>
    private sealed class CountedService : IHostedService
    {
        public CountedService(BuildCounter counter) => counter.Built++;

        public bool Started { get; private set; }

        public bool Stopped { get; private set; }

        public Task StartAsync(CancellationToken cancellationToken)
        {
            Started = true;
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken)
        {
            Stopped = true;
            return Task.CompletedTask;
        }
    }
}
