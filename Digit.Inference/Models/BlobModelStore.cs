using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Logging;

namespace Digit.Inference.Models;

/// <summary>
/// A model store in one Blob storage container: blobs <c>versions/&lt;version&gt;.onnx</c>,
/// <c>checkpoints/&lt;runId&gt;.bin</c> and the pointer <c>current.json</c>. A blob upload only becomes visible
/// once complete, so the pointer switch is one atomic upload made after its model is stored. A version blob
/// is created only if absent, so two publishers never take the same name.
/// </summary>
public sealed class BlobModelStore : IModelStore
{
    private const string BinaryContentType = "application/octet-stream";
    private const string JsonContentType = "application/json";

    private readonly BlobContainerClient _container;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<BlobModelStore> _logger;
    private volatile bool _containerExists;

    /// <summary>
    /// A store in <paramref name="container"/>, which is created on the first write when missing;
    /// <paramref name="timeProvider"/> stamps the versions published.
    /// </summary>
    public BlobModelStore(BlobContainerClient container, TimeProvider timeProvider, ILogger<BlobModelStore> logger)
    {
        ArgumentNullException.ThrowIfNull(container);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _container = container;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <inheritdoc />
    public async Task<ModelVersion?> GetCurrentAsync(CancellationToken cancellationToken)
    {
        var json = await DownloadIfExistsAsync(ModelStoreLayout.CurrentPointerName, cancellationToken);
        return json is null ? null : ModelStoreLayout.ParsePointer(json);
    }

    /// <inheritdoc />
    public async Task<byte[]> ReadModelAsync(string version, CancellationToken cancellationToken)
    {
        if (!ModelStoreLayout.IsValidName(version))
        {
            throw new ModelNotFoundException(version);
        }

        return await DownloadIfExistsAsync(VersionBlobName(version), cancellationToken)
            ?? throw new ModelNotFoundException(version);
    }

    /// <inheritdoc />
    public async Task<ModelVersion> StoreAsync(byte[] onnxModel, ModelDescription description, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(onnxModel);
        ArgumentNullException.ThrowIfNull(description);
        await EnsureContainerAsync(cancellationToken);

        var publishedAt = _timeProvider.GetUtcNow();
        var version = await UploadNewVersionAsync(onnxModel, ModelStoreLayout.StampOf(publishedAt), cancellationToken);
        var stored = ModelStoreLayout.Describe(version, description, publishedAt);
        await UploadJsonAsync(DescriptionBlobName(version), ModelStoreLayout.FormatPointer(stored), cancellationToken);
        _logger.LogInformation("Stored model {Version} with accuracy {Accuracy} in container {Container}", version, description.Accuracy, _container.Name);
        return stored;
    }

    /// <inheritdoc />
    public async Task<ModelVersion> ActivateAsync(string version, CancellationToken cancellationToken)
    {
        var current = await DescribeStoredAsync(version, cancellationToken);
        // A blob upload only becomes visible once complete, so the pointer switch is atomic.
        await UploadJsonAsync(ModelStoreLayout.CurrentPointerName, ModelStoreLayout.FormatPointer(current), cancellationToken);
        _logger.LogInformation("Model {Version} is now the current one in container {Container}", version, _container.Name);
        return current;
    }

    /// <inheritdoc />
    public async Task<ModelVersion?> ActivateIfCurrentAsync(string version, string? expectedCurrent, CancellationToken cancellationToken)
    {
        var next = await DescribeStoredAsync(version, cancellationToken);
        var pointer = _container.GetBlobClient(ModelStoreLayout.CurrentPointerName);
        // The upload is conditional on the pointer's ETag as read (or on there being none), so a writer in between
        // makes it fail with 412 (or 409) instead of being overwritten.
        BlobRequestConditions condition;
        try
        {
            var read = await pointer.DownloadContentAsync(cancellationToken);
            if (ModelStoreLayout.ParsePointer(read.Value.Content.ToArray()).Version != expectedCurrent)
            {
                return NotActivated(version, expectedCurrent);
            }
            condition = new BlobRequestConditions { IfMatch = read.Value.Details.ETag };
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            if (expectedCurrent is not null)
            {
                return NotActivated(version, expectedCurrent);
            }
            condition = new BlobRequestConditions { IfNoneMatch = ETag.All };
        }
        try
        {
            await pointer.UploadAsync(
                BinaryData.FromBytes(ModelStoreLayout.FormatPointer(next)),
                new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = JsonContentType }, Conditions = condition },
                cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            return NotActivated(version, expectedCurrent);
        }
        _logger.LogInformation("Model {Version} is now the current one in container {Container}", version, _container.Name);
        return next;
    }

    /// <summary>A stored version as it would be made current; <see cref="ModelNotFoundException"/> when it is not stored.</summary>
    private async Task<ModelVersion> DescribeStoredAsync(string version, CancellationToken cancellationToken)
    {
        if (!ModelStoreLayout.IsValidName(version) || !await ExistsAsync(VersionBlobName(version), cancellationToken))
        {
            throw new ModelNotFoundException(version);
        }
        return ModelStoreLayout.ParseDescription(version, await DownloadIfExistsAsync(DescriptionBlobName(version), cancellationToken));
    }

    private ModelVersion? NotActivated(string version, string? expectedCurrent)
    {
        _logger.LogInformation("Model {Version} was not made current: the current one is no longer {Expected}", version, expectedCurrent);
        return null;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ModelVersion>> ListVersionsAsync(CancellationToken cancellationToken)
    {
        var names = new List<string>();
        try
        {
            await foreach (var blob in _container.GetBlobsAsync(new GetBlobsOptions { Prefix = ModelStoreLayout.VersionsFolder + "/" }, cancellationToken))
            {
                var name = Path.GetFileName(blob.Name);
                if (name.EndsWith(ModelStoreLayout.ModelExtension, StringComparison.Ordinal))
                {
                    names.Add(name[..^ModelStoreLayout.ModelExtension.Length]);
                }
            }
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return [];
        }
        var versions = new List<ModelVersion>();
        foreach (var version in names.Where(ModelStoreLayout.IsValidName).Order(StringComparer.Ordinal))
        {
            versions.Add(ModelStoreLayout.ParseDescription(version, await DownloadIfExistsAsync(DescriptionBlobName(version), cancellationToken)));
        }
        return versions;
    }

    /// <inheritdoc />
    public async Task SaveCheckpointAsync(string runId, byte[] checkpoint, CancellationToken cancellationToken)
    {
        ModelStoreLayout.ThrowIfInvalidRunId(runId);
        ArgumentNullException.ThrowIfNull(checkpoint);
        await EnsureContainerAsync(cancellationToken);
        await _container.GetBlobClient(CheckpointBlobName(runId)).UploadAsync(
            BinaryData.FromBytes(checkpoint),
            new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = BinaryContentType } },
            cancellationToken);
        _logger.LogDebug("Saved checkpoint of run {RunId} ({Bytes} bytes)", runId, checkpoint.Length);
    }

    /// <inheritdoc />
    public Task<byte[]?> ReadCheckpointAsync(string runId, CancellationToken cancellationToken)
    {
        ModelStoreLayout.ThrowIfInvalidRunId(runId);
        return DownloadIfExistsAsync(CheckpointBlobName(runId), cancellationToken);
    }

    /// <inheritdoc />
    public async Task DeleteCheckpointAsync(string runId, CancellationToken cancellationToken)
    {
        ModelStoreLayout.ThrowIfInvalidRunId(runId);
        try
        {
            await _container.GetBlobClient(CheckpointBlobName(runId)).DeleteIfExistsAsync(cancellationToken: cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // The container itself is missing: there is no checkpoint to delete.
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> ListCheckpointsAsync(CancellationToken cancellationToken)
    {
        var runIds = new List<string>();
        try
        {
            await foreach (var blob in _container.GetBlobsAsync(new GetBlobsOptions { Prefix = ModelStoreLayout.CheckpointsFolder + "/" }, cancellationToken))
            {
                var name = Path.GetFileName(blob.Name);
                if (name.EndsWith(ModelStoreLayout.CheckpointExtension, StringComparison.Ordinal))
                {
                    runIds.Add(name[..^ModelStoreLayout.CheckpointExtension.Length]);
                }
            }
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // No container yet: no checkpoints.
        }
        return runIds;
    }

    private static string VersionBlobName(string version) =>
        $"{ModelStoreLayout.VersionsFolder}/{version}{ModelStoreLayout.ModelExtension}";

    private static string DescriptionBlobName(string version) =>
        $"{ModelStoreLayout.VersionsFolder}/{version}{ModelStoreLayout.DescriptionExtension}";

    private async Task UploadJsonAsync(string blobName, byte[] json, CancellationToken cancellationToken) =>
        await _container.GetBlobClient(blobName).UploadAsync(
            BinaryData.FromBytes(json),
            new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = JsonContentType } },
            cancellationToken);

    private async Task<bool> ExistsAsync(string blobName, CancellationToken cancellationToken)
    {
        try
        {
            return await _container.GetBlobClient(blobName).ExistsAsync(cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return false;
        }
    }

    private static string CheckpointBlobName(string runId) =>
        $"{ModelStoreLayout.CheckpointsFolder}/{runId}{ModelStoreLayout.CheckpointExtension}";

    /// <summary>Uploads the model under the first free version name of this millisecond (create-only upload).</summary>
    private async Task<string> UploadNewVersionAsync(byte[] onnxModel, string stamp, CancellationToken cancellationToken)
    {
        var folderPrefix = ModelStoreLayout.VersionsFolder + "/";
        var existing = new List<string>();
        await foreach (var blob in _container.GetBlobsAsync(new GetBlobsOptions { Prefix = $"{folderPrefix}{stamp}-" }, cancellationToken))
        {
            existing.Add(Path.GetFileNameWithoutExtension(blob.Name));
        }

        var content = BinaryData.FromBytes(onnxModel);
        var createOnly = new BlobUploadOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentType = BinaryContentType },
            Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
        };
        for (var counter = ModelStoreLayout.NextCounter(stamp, existing); ; counter++)
        {
            var version = ModelStoreLayout.VersionName(stamp, counter);
            try
            {
                await _container.GetBlobClient(VersionBlobName(version)).UploadAsync(content, createOnly, cancellationToken);
                return version;
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412)
            {
                // Another publisher took this name in the same millisecond: try the next counter.
            }
        }
    }

    private async Task<byte[]?> DownloadIfExistsAsync(string blobName, CancellationToken cancellationToken)
    {
        try
        {
            var result = await _container.GetBlobClient(blobName).DownloadContentAsync(cancellationToken);
            return result.Value.Content.ToArray();
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    private async Task EnsureContainerAsync(CancellationToken cancellationToken)
    {
        if (_containerExists)
        {
            return;
        }

        await _container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        _containerExists = true;
    }
}
