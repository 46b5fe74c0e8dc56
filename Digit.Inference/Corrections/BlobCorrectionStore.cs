using System.Globalization;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Logging;

namespace Digit.Inference.Corrections;

/// <summary>
/// Corrections in the model store's Blob container: one blob <c>corrections/&lt;id&gt;</c> per correction, holding the
/// 784 pixel bytes, with the whole record (the pixels as base64 too) in its metadata. So listing 50,000 corrections is
/// one paged listing with metadata (ten pages), not one download each; a new correction is a create-only upload,
/// and a new label for a stored one is one metadata write.
/// </summary>
public sealed class BlobCorrectionStore : ICorrectionStore
{
    /// <summary>The prefix of correction blobs in the container.</summary>
    public const string Prefix = "corrections/";

    private const string LabelKey = "label";
    private const string ReceivedAtKey = "receivedat";
    private const string ModelVersionKey = "modelversion";
    private const string PredictedKey = "predicted";
    private const string HeldOutKey = "heldout";
    private const string PixelsKey = "pixels";

    private readonly BlobContainerClient _container;
    private readonly ILogger<BlobCorrectionStore> _logger;
    private volatile bool _containerExists;

    /// <summary>A store in <paramref name="container"/>, which is created on the first add when missing.</summary>
    public BlobCorrectionStore(BlobContainerClient container, ILogger<BlobCorrectionStore> logger)
    {
        ArgumentNullException.ThrowIfNull(container);
        ArgumentNullException.ThrowIfNull(logger);
        _container = container;
        _logger = logger;
    }

    /// <inheritdoc />
    public async Task<(Correction Stored, bool Created)> AddAsync(Correction correction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(correction);
        if (!CorrectionJson.IsWhole(correction))
        {
            throw new ArgumentException("A correction needs a valid id, 784 pixels and a label 0-9.", nameof(correction));
        }
        await EnsureContainerAsync(cancellationToken);
        var blob = _container.GetBlobClient(Prefix + correction.Id);
        while (true)
        {
            try
            {
                await blob.UploadAsync(
                    BinaryData.FromBytes(correction.Pixels),
                    new BlobUploadOptions
                    {
                        HttpHeaders = new BlobHttpHeaders { ContentType = "application/octet-stream" },
                        Metadata = MetadataOf(correction),
                        Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
                    },
                    cancellationToken);
                _logger.LogInformation("Stored correction {Id} with label {Label} (held out: {HeldOut})", correction.Id, correction.Label, correction.HeldOut);
                return (correction, true);
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412)
            {
                // Stored already: keep that record, with the new label.
            }
            if (await RelabelAsync(blob, correction.Label, cancellationToken) is { } relabelled)
            {
                return (relabelled, false);
            }
            // Deleted between the upload and the relabel: store it as new after all.
        }
    }

    /// <inheritdoc />
    public async Task<Correction?> GetAsync(string id, CancellationToken cancellationToken)
    {
        if (!CorrectionIds.IsValid(id))
        {
            return null;
        }
        try
        {
            var properties = await _container.GetBlobClient(Prefix + id).GetPropertiesAsync(cancellationToken: cancellationToken);
            return FromMetadata(id, properties.Value.Metadata);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Correction>> ListAsync(CancellationToken cancellationToken)
    {
        var corrections = new List<Correction>();
        var unreadable = 0;
        await foreach (var item in ListBlobsAsync(BlobTraits.Metadata, cancellationToken))
        {
            if (FromMetadata(item.Name[Prefix.Length..], item.Metadata) is { } correction)
            {
                corrections.Add(correction);
            }
            else
            {
                unreadable++;
            }
        }
        if (unreadable > 0)
        {
            _logger.LogWarning("Skipped {Count} unreadable correction blobs in container {Container}", unreadable, _container.Name);
        }
        // Blob listings come in name order already; sorting keeps the promise whatever the service does.
        corrections.Sort((a, b) => string.CompareOrdinal(a.Id, b.Id));
        return corrections;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> ListIdsAsync(CancellationToken cancellationToken)
    {
        var ids = new List<string>();
        await foreach (var item in ListBlobsAsync(BlobTraits.None, cancellationToken))
        {
            if (CorrectionIds.IsValid(item.Name[Prefix.Length..]))
            {
                ids.Add(item.Name[Prefix.Length..]);
            }
        }
        ids.Sort(StringComparer.Ordinal);
        return ids;
    }

    /// <inheritdoc />
    public async Task<int> CountAsync(CancellationToken cancellationToken) => (await ListIdsAsync(cancellationToken)).Count;

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        if (!CorrectionIds.IsValid(id))
        {
            return false;
        }
        try
        {
            var deleted = await _container.GetBlobClient(Prefix + id).DeleteIfExistsAsync(cancellationToken: cancellationToken);
            if (deleted.Value)
            {
                _logger.LogInformation("Deleted correction {Id}", id);
            }
            return deleted.Value;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // The container itself is missing: there is no correction to delete.
            return false;
        }
    }

    /// <summary>Sets the label of the stored blob (only if nobody changed it meanwhile); null when it is gone.</summary>
    private async Task<Correction?> RelabelAsync(BlobClient blob, int label, CancellationToken cancellationToken)
    {
        var id = blob.Name[Prefix.Length..];
        while (true)
        {
            BlobProperties properties;
            try
            {
                properties = await blob.GetPropertiesAsync(cancellationToken: cancellationToken);
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                return null;
            }
            var existing = FromMetadata(id, properties.Metadata)
                ?? throw new InvalidDataException($"The correction blob {blob.Name} has no readable record in its metadata.");
            if (existing.Label == label)
            {
                return existing;
            }
            var relabelled = existing with { Label = label };
            try
            {
                await blob.SetMetadataAsync(MetadataOf(relabelled), new BlobRequestConditions { IfMatch = properties.ETag }, cancellationToken);
                _logger.LogInformation("Correction {Id} relabelled from {OldLabel} to {Label}", id, existing.Label, label);
                return relabelled;
            }
            catch (RequestFailedException e) when (e.Status is 404 or 412)
            {
                // Changed or deleted since it was read: read it again.
            }
        }
    }

    private async IAsyncEnumerable<BlobItem> ListBlobsAsync(BlobTraits traits, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var pages = _container.GetBlobsAsync(new GetBlobsOptions { Prefix = Prefix, Traits = traits }, cancellationToken).AsPages();
        await using var enumerator = pages.GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            try
            {
                if (!await enumerator.MoveNextAsync())
                {
                    yield break;
                }
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                // No container yet: no corrections.
                yield break;
            }
            foreach (var item in enumerator.Current.Values)
            {
                yield return item;
            }
        }
    }

    private static Dictionary<string, string> MetadataOf(Correction correction)
    {
        var metadata = new Dictionary<string, string>
        {
            [LabelKey] = correction.Label.ToString(CultureInfo.InvariantCulture),
            [ReceivedAtKey] = correction.ReceivedAt.ToString("O", CultureInfo.InvariantCulture),
            [HeldOutKey] = correction.HeldOut ? "true" : "false",
            [PixelsKey] = Convert.ToBase64String(correction.Pixels),
        };
        if (correction.ModelVersion is { } version)
        {
            // Versions are names of letters, digits, '.', '_' and '-': header-safe as they are.
            metadata[ModelVersionKey] = version;
        }
        if (correction.Predicted is { } predicted)
        {
            metadata[PredictedKey] = predicted.ToString(CultureInfo.InvariantCulture);
        }
        return metadata;
    }

    /// <summary>The correction in a blob's metadata, or null when it is not a whole one.</summary>
    private static Correction? FromMetadata(string id, IDictionary<string, string>? metadata)
    {
        if (metadata is null || !CorrectionIds.IsValid(id)
            || !Value(metadata, LabelKey, out var labelText) || !int.TryParse(labelText, NumberStyles.None, CultureInfo.InvariantCulture, out var label)
            || !Value(metadata, ReceivedAtKey, out var receivedText)
            || !DateTimeOffset.TryParseExact(receivedText, "O", CultureInfo.InvariantCulture, DateTimeStyles.None, out var receivedAt)
            || !Value(metadata, PixelsKey, out var pixelsText))
        {
            return null;
        }
        var pixels = new byte[CorrectionIds.PixelCount];
        if (!Convert.TryFromBase64String(pixelsText, pixels, out var written) || written != pixels.Length)
        {
            return null;
        }
        int? predicted = Value(metadata, PredictedKey, out var predictedText)
            && int.TryParse(predictedText, NumberStyles.None, CultureInfo.InvariantCulture, out var digit) ? digit : null;
        var correction = new Correction(
            id,
            pixels,
            label,
            receivedAt,
            Value(metadata, ModelVersionKey, out var version) ? version : null,
            predicted,
            Value(metadata, HeldOutKey, out var heldOut) ? heldOut == "true" : CorrectionIds.IsHeldOut(id));
        return CorrectionJson.IsWhole(correction) ? correction : null;
    }

    // Metadata names come back in whatever case the service keeps; look them up without regard to it.
    private static bool Value(IDictionary<string, string> metadata, string key, out string value)
    {
        foreach (var (name, text) in metadata)
        {
            if (string.Equals(name, key, StringComparison.OrdinalIgnoreCase))
            {
                value = text;
                return true;
            }
        }
        value = string.Empty;
        return false;
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
