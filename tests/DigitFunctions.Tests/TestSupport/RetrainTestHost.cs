using Digit.Backend.Retraining;
using Digit.Backend.Runs;
using Digit.Functions.Hosting;
using Digit.Functions.Retraining;
using Digit.Inference.Models;
using Digit.Testing;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Digit.Functions.Tests.TestSupport;

/// <summary>
/// The real <see cref="RetrainOrchestrator"/> and <see cref="RetrainActivities"/> in an in-process Durable Task
/// host, with the Functions app's own service registrations: real Redis state, a model folder of its own and a
/// small subset of MNIST. Runs start the way the retrain trigger starts them.
/// </summary>
internal sealed class RetrainTestHost : IAsyncDisposable
{
    /// <summary>Retries quickly, so a test waits for the retry and not for the production back-off.</summary>
    public static readonly RetryPolicy FastRetry = new(maxNumberOfAttempts: 3, firstRetryInterval: TimeSpan.FromMilliseconds(200));

    private readonly ServiceProvider _services;
    private readonly DurableTaskTestHost _durable;
    private readonly string _folder;

    private RetrainTestHost(ServiceProvider services, DurableTaskTestHost durable, string folder, string keyPrefix)
    {
        _services = services;
        _durable = durable;
        _folder = folder;
        KeyPrefix = keyPrefix;
    }

    public DurableTaskClient Client => _durable.Client;

    public IRunStore Runs => _services.GetRequiredService<IRunStore>();

    public IModelStore Models => _services.GetRequiredService<IModelStore>();

    /// <summary>The prefix of this host's Redis keys.</summary>
    public string KeyPrefix { get; }

    /// <summary>The app's services, for function classes made the way the worker makes them.</summary>
    public IServiceProvider Services => _services;

    /// <summary>The executor the retrain and stop triggers make around the bound client.</summary>
    public IRetrainExecutor Executor => new DurableRetrainExecutor(Client, NullLogger.Instance);

    /// <param name="samples">Training images per epoch (TRAINING_SAMPLES).</param>
    /// <param name="epochs">Epochs per run (TRAINING_EPOCHS).</param>
    /// <param name="retry">The activities' retry policy; null runs the production entry point and its policy.</param>
    /// <param name="wrapModels">Wraps the app's model store, to inject failures.</param>
    /// <param name="settings">Settings added to (or replacing) the ones above.</param>
    public static async Task<RetrainTestHost> StartAsync(
        RedisServerFixture redis,
        int samples,
        int epochs = 2,
        RetryPolicy? retry = null,
        Func<IModelStore, IModelStore>? wrapModels = null,
        Action<IServiceCollection>? configureServices = null,
        IReadOnlyDictionary<string, string?>? settings = null)
    {
        var folder = Path.Combine(Path.GetTempPath(), $"digit-functions-{Guid.NewGuid():N}");
        var keyPrefix = RedisServerFixture.NewKeyPrefix();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["REDIS_URL"] = redis.Configuration,
            ["REDIS_KEY_PREFIX"] = keyPrefix,
            ["MODEL_DIR"] = folder,
            ["SHIPPED_MODEL"] = "",
            ["MNIST_PATH"] = MnistFolder.Resolve(),
            ["TRAINING_SAMPLES"] = samples.ToString(),
            ["TRAINING_EPOCHS"] = epochs.ToString(),
            ["TRAINING_BATCH_SIZE"] = "64",
            ["TRAINING_THREADS"] = "1",
        }).AddInMemoryCollection(settings ?? new Dictionary<string, string?>()).Build();

        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddLogging()
            .AddDigitFunctions(configuration);
        if (wrapModels is not null)
        {
            var original = services.Single(descriptor => descriptor.ServiceType == typeof(IModelStore));
            var create = original.ImplementationFactory ?? throw new InvalidOperationException("The model store is expected to be made by a factory.");
            services.Remove(original);
            services.AddSingleton(provider => wrapModels((IModelStore)create(provider)));
        }
        configureServices?.Invoke(services);
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = false });
        var activities = ActivatorUtilities.CreateInstance<RetrainActivities>(provider);
        var activityOptions = TaskOptions.FromRetryPolicy(retry ?? RetrainOrchestrator.ActivityRetry);

        // Registered with their input type, so that GetInput<RetrainInput>() reads it as the Functions host does.
        var durable = await DurableTaskTestHost.StartAsync(registry =>
        {
            registry.AddOrchestratorFunc<RetrainInput, RunOutcome>(
                nameof(RetrainOrchestrator), (context, _) => RetrainOrchestrator.RunAsync(context, activityOptions));
            registry.AddActivityFunc<EpochRequest, EpochOutcome>(
                nameof(RetrainActivities.TrainEpoch), (_, request) => activities.TrainEpoch(request, CancellationToken.None));
            registry.AddActivityFunc<PublishRequest, PublishOutcome>(
                nameof(RetrainActivities.PublishModel), (_, request) => activities.PublishModel(request, CancellationToken.None));
            registry.AddActivityFunc<RunOutcome>(
                nameof(RetrainActivities.FinishRun), (_, outcome) => activities.FinishRun(outcome, CancellationToken.None));
        });
        return new RetrainTestHost(provider, durable, folder, keyPrefix);
    }

    /// <summary>Starts a run as the retrain trigger does; the result says whether it started.</summary>
    public Task<StartResult> TryStartRunAsync() =>
        _services.GetRequiredService<RunCoordinator>().StartAsync(Executor, CancellationToken.None);

    /// <summary>Starts a run as the retrain trigger does and returns its id.</summary>
    public async Task<string> StartRunAsync() =>
        Assert.IsType<StartResult.Started>(await TryStartRunAsync()).RunId;

    /// <summary>Stops the active run as the stop trigger does (the Redis flag and the Durable event).</summary>
    public Task<string?> StopRunAsync() =>
        _services.GetRequiredService<RunCoordinator>().StopAsync(Executor, CancellationToken.None);

    /// <summary>Waits for the orchestration to end and returns its metadata (with its output).</summary>
    public async Task<OrchestrationMetadata> WaitForEndAsync(string instanceId, TimeSpan? timeout = null)
    {
        using var limit = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(3));
        var ended = await Client.WaitForInstanceCompletionAsync(instanceId, getInputsAndOutputs: true, limit.Token);
        if (ended.RuntimeStatus == OrchestrationRuntimeStatus.Failed)
        {
            throw new InvalidOperationException($"The orchestration failed: {ended.FailureDetails}");
        }
        return ended;
    }

    /// <summary>Polls the run store until the active run's progress meets <paramref name="condition"/>.</summary>
    public async Task WaitForProgressAsync(Func<TrainingProgress, bool> condition, TimeSpan? timeout = null)
    {
        using var limit = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(2));
        while (true)
        {
            if (await Runs.GetProgressAsync(limit.Token) is { } progress && condition(progress))
            {
                return;
            }
            await Task.Delay(50, limit.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _durable.DisposeAsync();
        await _services.DisposeAsync();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // Nothing was written.
        }
    }
}
