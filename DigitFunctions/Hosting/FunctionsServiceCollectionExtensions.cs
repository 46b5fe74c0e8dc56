using Digit.Service.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Digit.Functions.Hosting;

/// <summary>The Functions app's registrations: the shared ones plus what running on Azure Functions requires.</summary>
public static class FunctionsServiceCollectionExtensions
{
    /// <summary>The message start-up fails with when REDIS_URL is missing.</summary>
    public const string RedisRequiredMessage =
        "REDIS_URL is required by the Functions app: training state is shared by every instance, and activities run on any of them. " +
        "Set it to redis://host:6379/0 (or a StackExchange.Redis connection string) in local.settings.json or the app settings.";

    /// <summary>A run's lease when TRAINING_LEASE_SECONDS is unset: long enough to span queue latency and an activity retry.</summary>
    public static readonly TimeSpan DefaultTrainingLease = TimeSpan.FromSeconds(60);

    public static IServiceCollection AddDigitFunctions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddDigitService();
        services.PostConfigure<DigitOptions>(options => ApplyFunctionsDefaults(options, configuration));
        services.AddOptions<DigitOptions>()
            .Validate(options => !string.IsNullOrWhiteSpace(options.RedisUrl), RedisRequiredMessage)
            .ValidateOnStart();
        return services;
    }

    /// <summary>
    /// Models go to Blob storage through AzureWebJobsStorage unless MODEL_STORAGE names another account; relative
    /// paths (MNIST_PATH, SHIPPED_MODEL) are found beside the app when the working directory does not hold them.
    /// </summary>
    internal static void ApplyFunctionsDefaults(DigitOptions options, IConfiguration configuration)
    {
        if (string.IsNullOrEmpty(options.ModelStorageConnection) && configuration["AzureWebJobsStorage"] is { Length: > 0 } storage)
        {
            options.ModelStorageConnection = storage;
        }
        if (string.IsNullOrEmpty(configuration["TRAINING_LEASE_SECONDS"]))
        {
            options.TrainingLease = DefaultTrainingLease;
        }
        options.MnistPath = BesideApp(options.MnistPath);
        options.ShippedModelPath = options.ShippedModelPath is null ? null : BesideApp(options.ShippedModelPath);
    }

    private static string BesideApp(string path)
    {
        if (Path.IsPathRooted(path) || Path.Exists(path))
        {
            return path;
        }
        var besideApp = Path.Combine(AppContext.BaseDirectory, path);
        return Path.Exists(besideApp) ? besideApp : path;
    }
}
