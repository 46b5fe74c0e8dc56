using Digit.Inference.Models;
using Digit.Inference.Prediction;
using Microsoft.Extensions.Logging;

namespace Digit.Backend.Models;

/// <summary>The answer to an activation.</summary>
public enum ActivationResult
{
    /// <summary>The version is current now, and served by this instance.</summary>
    Activated,

    /// <summary>The version name cannot name a stored model.</summary>
    Malformed,

    /// <summary>No such version is stored.</summary>
    NotFound,

    /// <summary>The version's file does not load; the served model stays.</summary>
    Unloadable,
}

/// <summary>The stored model versions, which one is served, and rolling back to (or forward to) any of them.</summary>
public sealed class ModelCatalog(IModelStore store, ModelProvider models, ModelWatcher watcher, ILogger<ModelCatalog> logger)
{
    /// <summary>Every stored version, oldest first, and the one this instance serves.</summary>
    public async Task<(IReadOnlyList<ModelVersion> Versions, string? Served)> ListAsync(CancellationToken cancellationToken)
    {
        await watcher.TryRefreshAsync(cancellationToken);
        return (await store.ListVersionsAsync(cancellationToken), models.Current?.Version.Version);
    }

    /// <summary>
    /// Makes <paramref name="version"/> the current model after checking that it loads; this instance serves it at
    /// once, the others with their next look at the store.
    /// </summary>
    public async Task<(ActivationResult Result, string Detail)> ActivateAsync(string version, CancellationToken cancellationToken)
    {
        if (!ModelStoreNames.IsValid(version))
        {
            return (ActivationResult.Malformed, $"'{version}' is not a model version name (letters, digits, '.', '_' and '-').");
        }
        byte[] bytes;
        try
        {
            bytes = await store.ReadModelAsync(version, cancellationToken);
        }
        catch (ModelNotFoundException exception)
        {
            return (ActivationResult.NotFound, exception.Message);
        }
        if (ModelLoading.TryLoad(bytes, out var reason) is { } predictor)
        {
            predictor.Dispose();
        }
        else
        {
            logger.LogWarning("Model {Version} was not activated: it does not load ({Reason})", version, reason);
            return (ActivationResult.Unloadable, $"Model {version} does not load ({reason}); the served model stays.");
        }
        await store.ActivateAsync(version, cancellationToken);
        await watcher.RefreshAsync(cancellationToken);
        logger.LogInformation("Model {Version} was activated", version);
        return (ActivationResult.Activated, $"Model {version} is served now.");
    }
}
