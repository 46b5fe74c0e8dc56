using Digit.Backend.Api;
using Digit.Backend.Corrections;
using Digit.Backend.Models;
using Digit.Backend.Retraining;
using Digit.Backend.Retraining.Steps;
using Digit.Backend.Runs;
using Digit.Backend.Telemetry;
using Digit.Inference.Corrections;
using Digit.Inference.Telemetry;
using Digit.Inference.Models;
using Digit.Inference.Prediction;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Digit.Backend.Hosting;

/// <summary>The service registrations both hosts share: the local server and the Azure Functions app.</summary>
public static class DigitServiceCollectionExtensions
{
    /// <summary>The CORS policy of the frontend's origins.</summary>
    public const string CorsPolicy = "frontend";

    /// <summary>
    /// Settings (bound from their environment names and validated at start), prediction (the model store, the
    /// watcher that serves its current model), corrections (their store beside the models, the capped intake, the
    /// per-client rate) and retraining (the run store, its sweeper, the steps and the
    /// coordinator). The host adds an <see cref="IRetrainExecutor"/>.
    /// </summary>
    public static IServiceCollection AddDigitService(this IServiceCollection services)
    {
        services.TryAddSingleton(ContentRoot.ForApp());
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.AddSettings<ModelStoreOptions, ModelStoreOptionsValidator>()
            .PostConfigure<ContentRoot>((options, root) => options.ResolvePaths(root));
        services.AddSettings<RunStateOptions, RunStateOptionsValidator>();
        services.AddSettings<RetrainOptions, RetrainOptionsValidator>()
            .PostConfigure<ContentRoot>((options, root) => options.ResolvePaths(root));
        services.AddSettings<AdminOptions>();
        services.AddSettings<FrontendOptions, FrontendOptionsValidator>();
        services.AddSettings<FeedbackOptions, FeedbackOptionsValidator>();
        services.AddProblemDetails(problems => problems.CustomizeProblemDetails = FrameworkProblems.Customize);
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, ApiJsonContext.Default));

        services.AddSingleton(CreateModelStore);
        services.AddSingleton(provider =>
        {
            var options = provider.GetRequiredService<IOptions<ModelStoreOptions>>().Value;
            return new ModelWatcherOptions(TimeSpan.FromMilliseconds(options.PollMilliseconds), options.ShippedModel);
        });
        services.AddSingleton<ShippedModelSeeder>();
        services.AddSingleton<ModelProvider>();
        services.AddSingleton<ModelWatcher>();
        services.AddHostedServiceResolvedAtStart<ModelWatcher>();
        services.AddSingleton<PredictionMetrics>();
        services.AddSingleton<TrainingMetrics>();
        services.AddSingleton<DrawingRecognizer>();
        services.AddHostedService<DrawingPipelineWarmUp>();
        services.AddSingleton<DecodeTurns>();
        services.AddSingleton<ModelCatalog>();

        services.AddSingleton(CreateCorrectionStore);
        services.AddSingleton<CorrectionIntake>();
        services.AddSingleton<FeedbackRateLimiter>();

        services.AddSingleton(CreateRunStore);
        services.AddSingleton<AbandonedRunSweeper>();
        services.AddHostedServiceResolvedAtStart<AbandonedRunSweeper>();
        services.AddSingleton<RunCoordinator>();
        services.AddSingleton<LastKnownProgress>();
        services.AddSingleton<MnistDataSource>();
        services.AddSingleton<CorrectionSets>();
        services.AddSingleton<DrawingsSetSource>();
        services.AddSingleton<PublishRule>();
        services.AddSingleton<TrainingThread>();
        services.AddSingleton<TrainEpochStep>();
        services.AddSingleton<PublishModelStep>();
        services.AddSingleton<FinishRunStep>();
        FinishRunStep.AddRetries(services);

        services.AddCors();
        services.AddSingleton<IConfigureOptions<CorsOptions>, FrontendCorsSetup>();
        return services;
    }

    /// <summary>
    /// Options of type <typeparamref name="T"/>, bound by the configuration binder from the root of the configuration
    /// (each property's <c>[ConfigurationKeyName]</c> is the setting's name), checked by <typeparamref name="TValidator"/>
    /// at start. A value the binder cannot convert fails as a validation failure too (<see cref="SettingsOptionsFactory{T}"/>).
    /// </summary>
    public static OptionsBuilder<T> AddSettings<T, TValidator>(this IServiceCollection services)
        where T : class
        where TValidator : class, IValidateOptions<T>
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<T>, TValidator>());
        return services.AddSettings<T>();
    }

    /// <summary>Options of type <typeparamref name="T"/> whose values need no check beyond their type's.</summary>
    public static OptionsBuilder<T> AddSettings<T>(this IServiceCollection services) where T : class
    {
        services.TryAddTransient<IOptionsFactory<T>, SettingsOptionsFactory<T>>();
        return services.AddOptions<T>().BindConfiguration(string.Empty).ValidateOnStart();
    }

    /// <summary>
    /// Runs <typeparamref name="T"/> (a singleton of its own type) as a hosted service that is built only when the host
    /// starts it (<see cref="HostedServiceResolvedAtStart{T}"/>).
    /// </summary>
    public static IServiceCollection AddHostedServiceResolvedAtStart<T>(this IServiceCollection services) where T : class, IHostedService =>
        services.AddHostedService<HostedServiceResolvedAtStart<T>>();

    /// <summary>Redis when REDIS_URL is set (shared by every process), else this process's memory.</summary>
    private static IRunStore CreateRunStore(IServiceProvider provider)
    {
        var options = provider.GetRequiredService<IOptions<RunStateOptions>>().Value;
        var time = provider.GetRequiredService<TimeProvider>();
        if (string.IsNullOrEmpty(options.RedisUrl))
        {
            return new InMemoryRunStore(time, provider.GetRequiredService<ILogger<InMemoryRunStore>>());
        }
        return new RedisRunStore(
            RedisConnection.Connect(options.RedisUrl),
            options.RedisKeyPrefix,
            time,
            provider.GetRequiredService<ILogger<RedisRunStore>>());
    }

    /// <summary>Beside the models: in the model container when MODEL_STORAGE is set, else in MODEL_DIR's corrections/ folder.</summary>
    private static ICorrectionStore CreateCorrectionStore(IServiceProvider provider)
    {
        var options = provider.GetRequiredService<IOptions<ModelStoreOptions>>().Value;
        if (!string.IsNullOrEmpty(options.BlobConnection))
        {
            var container = ModelStorage.Container(options.BlobConnection, options.Container);
            return new BlobCorrectionStore(container, provider.GetRequiredService<ILogger<BlobCorrectionStore>>());
        }
        return new FileSystemCorrectionStore(
            new FileSystemModelStoreOptions { Folder = options.Directory },
            provider.GetRequiredService<ILogger<FileSystemCorrectionStore>>());
    }

    /// <summary>Blob storage when MODEL_STORAGE is set (every instance sees the same models), else a local folder.</summary>
    private static IModelStore CreateModelStore(IServiceProvider provider)
    {
        var options = provider.GetRequiredService<IOptions<ModelStoreOptions>>().Value;
        var time = provider.GetRequiredService<TimeProvider>();
        if (!string.IsNullOrEmpty(options.BlobConnection))
        {
            var container = ModelStorage.Container(options.BlobConnection, options.Container);
            return new BlobModelStore(container, time, provider.GetRequiredService<ILogger<BlobModelStore>>());
        }
        return new FileSystemModelStore(
            new FileSystemModelStoreOptions { Folder = options.Directory },
            time,
            provider.GetRequiredService<ILogger<FileSystemModelStore>>());
    }
}
