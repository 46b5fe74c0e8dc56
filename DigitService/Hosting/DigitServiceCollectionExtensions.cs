using Azure.Storage.Blobs;
using Digit.Service.Models;
using Digit.Service.Prediction;
using Digit.Service.Retraining;
using Digit.Service.Retraining.Local;
using Digit.Service.Retraining.Steps;
using Digit.Service.Training;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Digit.Service.Hosting;

/// <summary>The service registrations both hosts share: the local server and the Azure Functions app.</summary>
public static class DigitServiceCollectionExtensions
{
    public const string CorsPolicy = "frontend";

    public static IServiceCollection AddDigitService(this IServiceCollection services)
    {
        services.AddSingleton<IConfigureOptions<DigitOptions>, DigitOptionsSetup>();
        services.AddOptions<DigitOptions>().ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddProblemDetails();

        services.AddSingleton<IModelStore>(provider => CreateModelStore(provider));
        services.AddSingleton<ShippedModelSeeder>();
        services.AddSingleton<ModelProvider>();
        services.AddSingleton<ModelWatcher>();
        services.AddHostedService(provider => provider.GetRequiredService<ModelWatcher>());
        services.AddSingleton<DrawingRecognizer>();

        services.AddSingleton(provider => CreateStepOptions(provider.GetRequiredService<IOptions<DigitOptions>>().Value));
        services.AddSingleton<ITrainingStateStore>(CreateStateStore);
        services.AddHostedService<AbandonedRunSweeper>();
        services.AddSingleton<MnistDataSource>();
        services.AddSingleton<TrainEpochStep>();
        services.AddSingleton<PublishModelStep>();
        services.AddSingleton<FinishRunStep>();

        services.AddCors();
        services.AddSingleton<IConfigureOptions<CorsOptions>, FrontendCorsSetup>();
        return services;
    }

    /// <summary>Retraining in this process: the local server's host for the retrain workflow.</summary>
    public static IServiceCollection AddLocalRetraining(this IServiceCollection services)
    {
        services.AddSingleton<LocalRetrainLauncher>();
        services.AddSingleton<IRetrainLauncher>(provider => provider.GetRequiredService<LocalRetrainLauncher>());
        services.AddHostedService(provider => provider.GetRequiredService<LocalRetrainLauncher>());
        services.AddHostedService<TorchPreloader>();
        return services;
    }

    private static RetrainStepOptions CreateStepOptions(DigitOptions options) => new()
    {
        TrainingThreads = options.TrainingThreads,
        LeaseDuration = options.TrainingLease,
    };

    /// <summary>Redis when REDIS_URL is set (shared by every process), else in this process's memory.</summary>
    private static ITrainingStateStore CreateStateStore(IServiceProvider provider)
    {
        var options = provider.GetRequiredService<IOptions<DigitOptions>>().Value;
        var time = provider.GetRequiredService<TimeProvider>();
        if (string.IsNullOrEmpty(options.RedisUrl))
        {
            return new InMemoryTrainingStateStore(time, provider.GetRequiredService<ILogger<InMemoryTrainingStateStore>>());
        }
        return new RedisTrainingStateStore(
            RedisConnection.Connect(options.RedisUrl),
            new RedisTrainingStateStoreOptions { KeyPrefix = options.RedisKeyPrefix },
            time,
            provider.GetRequiredService<ILogger<RedisTrainingStateStore>>());
    }

    /// <summary>Blob storage when MODEL_STORAGE is set (every instance sees the same models), else a local folder.</summary>
    private static IModelStore CreateModelStore(IServiceProvider provider)
    {
        var options = provider.GetRequiredService<IOptions<DigitOptions>>().Value;
        var time = provider.GetRequiredService<TimeProvider>();
        if (!string.IsNullOrEmpty(options.ModelStorageConnection))
        {
            var container = new BlobContainerClient(options.ModelStorageConnection, options.ModelContainer);
            return new BlobModelStore(container, time, provider.GetRequiredService<ILogger<BlobModelStore>>());
        }
        return new FileSystemModelStore(
            new FileSystemModelStoreOptions { Folder = options.ModelDirectory },
            time,
            provider.GetRequiredService<ILogger<FileSystemModelStore>>());
    }
}
