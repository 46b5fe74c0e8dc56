using Digit.Functions.Hosting;
using Digit.Functions.Retraining;
using Digit.Service.Models;
using Digit.Service.Retraining;
using Digit.Service.Retraining.Steps;
using Digit.Service.Tests.TestSupport;
using Digit.Service.Training;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Digit.Functions.Tests.TestSupport;

/// <summary>
/// The real <see cref="RetrainOrchestrator"/> and <see cref="RetrainActivities"/> in an in-process Durable Task
/// host, with the Functions app's own service registrations: real Redis state, a model folder of its own and
/// a small subset of MNIST.
/// </summary>
internal sealed class RetrainTestHost : IAsyncDisposable
{
    /// <summary>Retries quickly, so a test waits for the retry and not for the production back-off.</summary>
    public static readonly RetryPolicy FastRetry = new(maxNumberOfAttempts: 3, firstRetryInterval: TimeSpan.FromMilliseconds(200));

    private readonly ServiceProvider _services;
    private readonly DurableTaskTestHost _durable;
    private readonly string _folder;

    private RetrainTestHost(ServiceProvider services, DurableTaskTestHost durable, string folder)
    {
        _services = services;
        _durable = durable;
        _folder = folder;
    }

    public DurableTaskClient Client => _durable.Client;

    public ITrainingStateStore State => _services.GetRequiredService<ITrainingStateStore>();

    public IModelStore Models => _services.GetRequiredService<IModelStore>();

    public RetrainStepOptions StepOptions => _services.GetRequiredService<RetrainStepOptions>();

    /// <summary>The app's services, for function classes made the way the worker makes them.</summary>
    public IServiceProvider Services => _services;

    /// <param name="samples">Training images per epoch (TRAINING_SAMPLES).</param>
    /// <param name="retry">The activities' retry policy; null runs the production entry point and its policy.</param>
    /// <param name="wrapModels">Wraps the app's model store, to inject failures.</param>
    public static async Task<RetrainTestHost> StartAsync(
        RedisServerFixture redis,
        int samples,
        RetryPolicy? retry = null,
        Func<IModelStore, IModelStore>? wrapModels = null)
    {
        var folder = Path.Combine(Path.GetTempPath(), $"digit-functions-{Guid.NewGuid():N}");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["REDIS_URL"] = redis.Configuration,
            ["REDIS_KEY_PREFIX"] = RedisServerFixture.NewKeyPrefix(),
            ["MODEL_DIR"] = folder,
            ["SHIPPED_MODEL"] = "",
            ["MNIST_PATH"] = MnistFolder.Resolve(),
            ["TRAINING_SAMPLES"] = samples.ToString(),
            ["TRAINING_BATCH_SIZE"] = "64",
            ["TRAINING_THREADS"] = "1",
        }).Build();

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
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = false });
        var activities = ActivatorUtilities.CreateInstance<RetrainActivities>(provider);

        // Registered with their input type, so that GetInput<RetrainInput>() reads it as the Functions host does.
        var durable = await DurableTaskTestHost.StartAsync(registry =>
        {
            if (retry is null)
            {
                registry.AddOrchestratorFunc<RetrainInput, RetrainResult>(nameof(RetrainOrchestrator), (context, _) => RetrainOrchestrator.Run(context));
            }
            else
            {
                registry.AddOrchestratorFunc<RetrainInput, RetrainResult>(nameof(RetrainOrchestrator), (context, _) => RetrainOrchestrator.RunAsync(context, retry));
            }
            registry.AddActivityFunc<EpochRequest, EpochOutcome>(
                nameof(RetrainActivities.TrainEpoch), (_, request) => activities.TrainEpoch(request, CancellationToken.None));
            registry.AddActivityFunc<PublishRequest, PublishOutcome>(
                nameof(RetrainActivities.PublishModel), (_, request) => activities.PublishModel(request, CancellationToken.None));
            registry.AddActivityFunc<RetrainResult>(
                nameof(RetrainActivities.FinishRun), (_, result) => activities.FinishRun(result, CancellationToken.None));
        });
        return new RetrainTestHost(provider, durable, folder);
    }

    /// <summary>Begins the run in the shared state and schedules the orchestration, as the retrain trigger does.</summary>
    public async Task<RetrainInput> StartRunAsync(int epochs)
    {
        var input = new RetrainInput(DurableRetrainLauncher.InstanceId, epochs, BatchSize: 64, Seed: 42);
        Assert.True(await State.TryBeginRunAsync(input.RunId, epochs, StepOptions.LeaseOwner, StepOptions.LeaseDuration, CancellationToken.None));
        await Client.ScheduleNewOrchestrationInstanceAsync(
            nameof(RetrainOrchestrator), input, DurableRetrainLauncher.StartOptions(input.RunId), CancellationToken.None);
        return input;
    }

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

    /// <summary>Polls the shared state until the active run reports progress inside an epoch.</summary>
    public async Task WaitForProgressAsync(Func<TrainingProgress, bool> condition, TimeSpan? timeout = null)
    {
        using var limit = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(2));
        while (true)
        {
            if (await State.GetProgressAsync(limit.Token) is { } progress && condition(progress))
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
