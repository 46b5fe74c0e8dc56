using Digit.Functions.Hosting;
using Digit.Service.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Digit.Functions.Tests.Hosting;

public sealed class FunctionsServiceCollectionExtensionsTests
{
    [Fact]
    public void AddDigitFunctions_NoRedisUrl_FailsWithTheRedisMessage()
    {
        using var provider = Build(new Dictionary<string, string?>());

        var failure = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<DigitOptions>>().Value);

        Assert.Contains(FunctionsServiceCollectionExtensions.RedisRequiredMessage, failure.Failures);
    }

    [Fact]
    public void AddDigitFunctions_OnlyAzureWebJobsStorage_KeepsModelsInThatAccount()
    {
        using var provider = Build(new Dictionary<string, string?>
        {
            ["REDIS_URL"] = "127.0.0.1:6379",
            ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
        });

        var options = provider.GetRequiredService<IOptions<DigitOptions>>().Value;

        Assert.Equal("UseDevelopmentStorage=true", options.ModelStorageConnection);
        Assert.Equal(FunctionsServiceCollectionExtensions.DefaultTrainingLease, options.TrainingLease);
    }

    [Fact]
    public void AddDigitFunctions_ModelStorageAndLeaseSet_KeepsThem()
    {
        using var provider = Build(new Dictionary<string, string?>
        {
            ["REDIS_URL"] = "127.0.0.1:6379",
            ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
            ["MODEL_STORAGE"] = "DefaultEndpointsProtocol=https;AccountName=models",
            ["TRAINING_LEASE_SECONDS"] = "20",
        });

        var options = provider.GetRequiredService<IOptions<DigitOptions>>().Value;

        Assert.Equal("DefaultEndpointsProtocol=https;AccountName=models", options.ModelStorageConnection);
        Assert.Equal(TimeSpan.FromSeconds(20), options.TrainingLease);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddLogging()
            .AddDigitFunctions(configuration)
            .BuildServiceProvider();
    }
}
