using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Logging;

namespace Digit.Service.Models;

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

    public BlobModelStore(BlobContainerClient container, TimeProvider timeProvider, ILogger<BlobModelStore> logger)
    {
        ArgumentNullException.ThrowIfNull(container);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _container = container;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    public async Task<ModelVersion?> GetCurrentAsync(CancellationToken cancellationToken)
    {
        var json = await DownloadIfExistsAsync(ModelStoreLayout.CurrentPointerName, cancellationToken);
        return json is null ? null : ModelStoreLayout.ParsePointer(json);
    }

    public async Task<byte[]> ReadModelAsync(string version, CancellationToken cancellationToken)
    {
        if (!ModelStoreLayout.IsValidName(version))
        {
            throw new ModelNotFoundException(version);
        }

        return await DownloadIfExistsAsync(VersionBlobName(version), cancellationToken)
            ?? throw new ModelNotFoundException(version);
    }

    public async Task<ModelVersion> PublishAsync(byte[] onnxModel, double? accuracy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(onnxModel);
        await EnsureContainerAsync(cancellationToken);

        var publishedAt = _timeProvider.GetUtcNow();
        var version = await UploadNewVersionAsync(onnxModel, ModelStoreLayout.StampOf(publishedAt), cancellationToken);

        var current = new ModelVersion(version, accuracy, publishedAt);
        await _container.GetBlobClient(ModelStoreLayout.CurrentPointerName).UploadAsync(
            BinaryData.FromBytes(ModelStoreLayout.FormatPointer(current)),
            new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = JsonContentType } },
            cancellationToken);
        _logger.LogInformation(
            "Published model {Version} with accuracy {Accuracy} to container {Container}", version, accuracy, _container.Name);
        return current;
    }

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

    public Task<byte[]?> ReadCheckpointAsync(string runId, CancellationToken cancellationToken)
    {
        ModelStoreLayout.ThrowIfInvalidRunId(runId);
        return DownloadIfExistsAsync(CheckpointBlobName(runId), cancellationToken);
    }

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

    private static string VersionBlobName(string version) =>
        $"{ModelStoreLayout.VersionsFolder}/{version}{ModelStoreLayout.ModelExtension}";

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
