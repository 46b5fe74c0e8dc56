using Digit.Backend.Hosting;
using Digit.Functions.Hosting;
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

        var failure = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<RunStateOptions>>().Value);

        Assert.Contains(FunctionsServiceCollectionExtensions.RedisRequiredMessage, failure.Failures);
    }

    [Fact]
    public void AddDigitFunctions_LeaseShorterThanTheGapBetweenActivities_FailsNamingTheSetting()
    {
        using var provider = Build(new Dictionary<string, string?> { ["REDIS_URL"] = "127.0.0.1:6379", ["TRAINING_LEASE_SECONDS"] = "10" });

        var failure = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<RunStateOptions>>().Value);

        Assert.Contains(failure.Failures, message => message.StartsWith("TRAINING_LEASE_SECONDS must be at least 24", StringComparison.Ordinal));
    }

    [Fact]
    public void AddDigitFunctions_OnlyAzureWebJobsStorage_KeepsModelsInThatAccount()
    {
        using var provider = Build(new Dictionary<string, string?>
        {
            ["REDIS_URL"] = "127.0.0.1:6379",
            ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
        });

        Assert.Equal("UseDevelopmentStorage=true", provider.GetRequiredService<IOptions<ModelStoreOptions>>().Value.BlobConnection);
        Assert.Equal(TimeSpan.FromSeconds(30), provider.GetRequiredService<IOptions<RunStateOptions>>().Value.Lease);
    }

    [Theory]
    [InlineData("AzureWebJobsStorage__accountName", "digitmodels", "https://digitmodels.blob.core.windows.net/")]
    [InlineData("AzureWebJobsStorage__blobServiceUri", "https://digitmodels.blob.core.windows.net/", "https://digitmodels.blob.core.windows.net/")]
    public void AddDigitFunctions_IdentityBasedAzureWebJobsStorage_KeepsModelsInThatAccountThroughItsUrl(string setting, string value, string expected)
    {
        // App settings reach .NET configuration as environment variables, where "__" separates sections.
        using var provider = Build(new Dictionary<string, string?>
        {
            ["REDIS_URL"] = "127.0.0.1:6379",
            [setting.Replace("__", ":", StringComparison.Ordinal)] = value,
            ["AzureWebJobsStorage:credential"] = "managedidentity",
        });

        var options = provider.GetRequiredService<IOptions<ModelStoreOptions>>().Value;

        Assert.Equal(expected, options.BlobConnection);
        Assert.Equal(new Uri(expected + "digit-models"), ModelStorage.Container(options.BlobConnection!, options.Container).Uri);
    }

    [Fact]
    public void AddDigitFunctions_ModelStorageAndLeaseSet_KeepsThem()
    {
        using var provider = Build(new Dictionary<string, string?>
        {
            ["REDIS_URL"] = "127.0.0.1:6379",
            ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
            ["MODEL_STORAGE"] = "DefaultEndpointsProtocol=https;AccountName=models",
            ["TRAINING_LEASE_SECONDS"] = "40",
        });

        Assert.Equal("DefaultEndpointsProtocol=https;AccountName=models", provider.GetRequiredService<IOptions<ModelStoreOptions>>().Value.BlobConnection);
        Assert.Equal(TimeSpan.FromSeconds(40), provider.GetRequiredService<IOptions<RunStateOptions>>().Value.Lease);
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
