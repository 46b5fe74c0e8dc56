using Digit.Service.Hosting;
using Digit.Service.Models;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Digit.Service.Prediction;

/// <summary>
/// Keeps the served model in step with the model store: seeds the store on start, loads the current
/// version, then polls for a newer one and swaps it in. A model that fails to load is logged and the
/// model being served stays.
/// </summary>
public sealed class ModelWatcher(
    IModelStore store,
    ShippedModelSeeder seeder,
    ModelProvider provider,
    IOptions<DigitOptions> options,
    TimeProvider time,
    ILogger<ModelWatcher> logger) : BackgroundService
{
    // One refresh at a time: the timer and a request may both ask.
    private readonly SemaphoreSlim _refreshing = new(1, 1);
    private string? _failedVersion;

    /// <summary>Seeds the store and loads the current model before the server takes requests.</summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await seeder.SeedIfEmptyAsync(options.Value.ShippedModelPath, cancellationToken);
            await RefreshAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            logger.LogError(exception, "Loading the first model failed; predictions answer 503 until a model loads");
        }
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.ModelPollInterval, time);
        do
        {
            try
            {
                await RefreshAsync(stoppingToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                logger.LogError(exception, "Checking the model store for a new model failed; the served model stays");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Loads the store's current version if it is not the one being served.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await _refreshing.WaitAsync(cancellationToken);
        try
        {
            await LoadLatestAsync(cancellationToken);
        }
        finally
        {
            _refreshing.Release();
        }
    }

    public override void Dispose()
    {
        _refreshing.Dispose();
        base.Dispose();
    }

    private async Task LoadLatestAsync(CancellationToken cancellationToken)
    {
        var latest = await store.GetCurrentAsync(cancellationToken);
        if (latest is null || latest.Version == provider.Current?.Version.Version || latest.Version == _failedVersion)
        {
            return;
        }
        var bytes = await store.ReadModelAsync(latest.Version, cancellationToken);
        DigitPredictor predictor;
        try
        {
            predictor = new DigitPredictor(bytes);
        }
        catch (Exception exception) when (exception is Microsoft.ML.OnnxRuntime.OnnxRuntimeException or InvalidDataException)
        {
            _failedVersion = latest.Version;
            logger.LogError(exception, "Model version {Version} failed to load; still serving {ServedVersion}", latest.Version, provider.Current?.Version.Version);
            return;
        }
        provider.Swap(new ServedModel(latest, predictor));
        logger.LogInformation("Serving model version {Version} (test accuracy {Accuracy})", latest.Version, latest.Accuracy);
    }
}
