using Digit.Inference.Models;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Digit.Inference.Prediction;

/// <summary>How the model watcher works: how often it looks at the store, and the model that seeds an empty store.</summary>
/// <param name="PollInterval">How often each instance looks for a newly published model.</param>
/// <param name="ShippedModelPath">The model published into an empty store at start (an absolute path), or null for none.</param>
public sealed record ModelWatcherOptions(TimeSpan PollInterval, string? ShippedModelPath);

/// <summary>
/// Keeps the served model in step with the model store: seeds an empty store, serves its current version, then
/// polls for another and swaps it in. A version that does not load is reported once and never tried again; the
/// served model stays. When nothing is served (at start, or after the current version turned out bad), the newest
/// stored version that loads is served instead, and the log says so.
/// </summary>
public sealed class ModelWatcher(
    IModelStore store,
    ShippedModelSeeder seeder,
    ModelProvider provider,
    ModelWatcherOptions options,
    TimeProvider time,
    ILogger<ModelWatcher> logger) : BackgroundService
{
    // One refresh at a time: the timer and a request may both ask.
    private readonly SemaphoreSlim _refreshing = new(1, 1);
    private readonly HashSet<string> _badVersions = new(StringComparer.Ordinal);
    private string? _lastProblem;

    /// <summary>Seeds the store and loads the current model before the server takes requests.</summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await seeder.SeedIfEmptyAsync(options.ShippedModelPath, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            logger.LogError(exception, "Seeding the model store with the shipped model failed");
        }
        await TryRefreshAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.PollInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            await TryRefreshAsync(stoppingToken);
        }
    }

    /// <summary>Serves the store's current version if it is not the one served (throws when the store cannot be read).</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await _refreshing.WaitAsync(cancellationToken);
        try
        {
            await LoadLatestAsync(cancellationToken);
            _lastProblem = null;
        }
        finally
        {
            _refreshing.Release();
        }
    }

    /// <summary>Like <see cref="RefreshAsync"/>, but a store that cannot be read is reported (once per problem), not thrown.</summary>
    public async Task TryRefreshAsync(CancellationToken cancellationToken)
    {
        try
        {
            await RefreshAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            if (exception.Message != _lastProblem)
            {
                _lastProblem = exception.Message;
                logger.LogError("Reading the model store failed: {Reason}; still serving {ServedVersion}", exception.Message, provider.Current?.Version.Version ?? "nothing");
            }
            if (provider.Current is null)
            {
                await FallBackAsync(cancellationToken);
            }
        }
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        _refreshing.Dispose();
        base.Dispose();
    }

    private async Task LoadLatestAsync(CancellationToken cancellationToken)
    {
        var latest = await store.GetCurrentAsync(cancellationToken);
        if (latest is null || latest.Version == provider.Current?.Version.Version)
        {
            return;
        }
        if (!_badVersions.Contains(latest.Version) && await TryServeAsync(latest, cancellationToken))
        {
            return;
        }
        if (provider.Current is null)
        {
            await FallBackAsync(cancellationToken);
        }
    }

    /// <summary>Serves the newest stored version that loads, when the current one cannot be served.</summary>
    private async Task FallBackAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<ModelVersion> versions;
        try
        {
            versions = await store.ListVersionsAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return; // Reported by the caller; the next poll tries again.
        }
        foreach (var candidate in versions.Reverse().Where(version => !_badVersions.Contains(version.Version)))
        {
            if (await TryServeAsync(candidate, cancellationToken))
            {
                logger.LogWarning("The store's current model cannot be served; serving {Version} instead, the newest stored version that loads", candidate.Version);
                return;
            }
        }
    }

    private async Task<bool> TryServeAsync(ModelVersion version, CancellationToken cancellationToken)
    {
        byte[] bytes;
        try
        {
            bytes = await store.ReadModelAsync(version.Version, cancellationToken);
        }
        catch (ModelNotFoundException exception)
        {
            MarkBad(version.Version, exception.Message);
            return false;
        }
        if (ModelLoading.TryLoad(bytes, out var reason) is not { } predictor)
        {
            MarkBad(version.Version, reason);
            return false;
        }
        provider.Swap(new ServedModel(version, predictor));
        logger.LogInformation("Serving model version {Version} (test accuracy {Accuracy})", version.Version, version.Accuracy);
        return true;
    }

    private void MarkBad(string version, string reason)
    {
        if (_badVersions.Add(version))
        {
            logger.LogError("Model version {Version} failed to load ({Reason}); still serving {ServedVersion}", version, reason, provider.Current?.Version.Version ?? "nothing");
        }
    }
}
