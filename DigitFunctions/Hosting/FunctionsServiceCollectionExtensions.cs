using Digit.Backend.Hosting;
#if !PREDICT_ONLY
using Digit.Functions.Retraining;
#endif
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Digit.Functions.Hosting;

/// <summary>The Functions app's registrations: the shared ones plus what running on Azure Functions requires.</summary>
public static class FunctionsServiceCollectionExtensions
{
    /// <summary>The message start-up fails with when REDIS_URL is missing.</summary>
    public const string RedisRequiredMessage =
        "REDIS_URL is required by the Functions app: training state is shared by every instance, and activities run on any of them. " +
        "Set it to redis://host:6379/0 (or a StackExchange.Redis connection string) in local.settings.json or the app settings.";

    /// <summary>The shared services, models in Blob storage through AzureWebJobsStorage unless MODEL_STORAGE says otherwise, and the checks the Functions app needs.</summary>
    public static IServiceCollection AddDigitFunctions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddDigitService();
        services.PostConfigure<ModelStoreOptions>(options =>
        {
            if (string.IsNullOrEmpty(options.BlobConnection))
            {
                options.BlobConnection = HostStorage(configuration);
            }
        });
#if PREDICT_ONLY
        // Run status comes from the Redis the training app writes; the training routes name that app.
        services.AddOptions<RunStateOptions>()
            .Validate(options => !string.IsNullOrWhiteSpace(options.RedisUrl), RedisRequiredMessage)
            .ValidateOnStart();
        services.AddSettings<TrainingAppOptions>().ValidateDataAnnotations();
#else
        services.AddOptions<RunStateOptions>()
            .Validate(options => !string.IsNullOrWhiteSpace(options.RedisUrl), RedisRequiredMessage)
            .Validate(
                options => options.Lease >= 2 * RetrainOrchestrator.LongestGapBetweenActivities,
                $"TRAINING_LEASE_SECONDS must be at least {Math.Ceiling(2 * RetrainOrchestrator.LongestGapBetweenActivities.TotalSeconds)} on the Functions app: " +
                $"no heartbeat is sent between two activities, and that gap can be {RetrainOrchestrator.LongestGapBetweenActivities.TotalSeconds:0} s (a retry's back-off plus queue polling).")
            .ValidateOnStart();
#endif
        return services;
    }

    /// <summary>
    /// The host's storage (AzureWebJobsStorage) as MODEL_STORAGE takes it: its connection string or, when the host
    /// connects with an identity (AzureWebJobsStorage__blobServiceUri or __accountName), its blob service URL.
    /// </summary>
    internal static string? HostStorage(IConfiguration configuration) =>
        configuration["AzureWebJobsStorage"] is { Length: > 0 } connection ? connection
        : configuration["AzureWebJobsStorage:blobServiceUri"] is { Length: > 0 } blobService ? blobService
        : configuration["AzureWebJobsStorage:accountName"] is { Length: > 0 } account ? $"https://{account}.blob.core.windows.net/"
        : null;
}
