using Digit.Inference.Models;
using Microsoft.Extensions.Logging;

namespace Digit.Inference.Corrections;

/// <summary>
/// Corrections in the <c>corrections/</c> folder of a filesystem model store: one <c>&lt;id&gt;.json</c> per correction,
/// each written whole (temporary file, flush, rename), so a reader never sees part of one and a crash loses at most
/// the correction being written.
/// </summary>
/// <remarks>
/// Adds are serialised within this process, so the same drawing sent twice at once is stored once. Processes sharing
/// the folder can both store it as new at the same moment; the last label wins and nothing is duplicated.
/// </remarks>
public sealed class FileSystemCorrectionStore : ICorrectionStore, IDisposable
{
    /// <summary>The folder inside the model store that holds the corrections.</summary>
    public const string FolderName = "corrections";

    private const string Extension = ".json";

    // Reading 50,000 small files one by one leaves the disk idle between them; a few at once keep it busy.
    private const int ParallelReads = 8;

    private readonly string _folder;
    private readonly ILogger<FileSystemCorrectionStore> _logger;
    private readonly SemaphoreSlim _adding = new(1, 1);

    /// <summary>A store in <c>corrections/</c> under <see cref="FileSystemModelStoreOptions.Folder"/>, created on the first add.</summary>
    public FileSystemCorrectionStore(FileSystemModelStoreOptions options, ILogger<FileSystemCorrectionStore> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Folder);
        ArgumentNullException.ThrowIfNull(logger);
        _folder = Path.Combine(Path.GetFullPath(options.Folder), FolderName);
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
        await _adding.WaitAsync(cancellationToken);
        try
        {
            Directory.CreateDirectory(_folder);
            var path = PathOf(correction.Id);
            if (CorrectionJson.Parse(await AtomicFile.ReadIfExistsAsync(path, cancellationToken) ?? []) is { } existing)
            {
                var relabelled = existing with { Label = correction.Label };
                if (existing.Label != correction.Label)
                {
                    await AtomicFile.WriteAsync(path, CorrectionJson.Format(relabelled), cancellationToken);
                    _logger.LogInformation("Correction {Id} relabelled from {OldLabel} to {Label}", correction.Id, existing.Label, correction.Label);
                }
                return (relabelled, false);
            }
            await AtomicFile.WriteAsync(path, CorrectionJson.Format(correction), cancellationToken);
            _logger.LogInformation("Stored correction {Id} with label {Label} (held out: {HeldOut})", correction.Id, correction.Label, correction.HeldOut);
            return (correction, true);
        }
        finally
        {
            _adding.Release();
        }
    }

    /// <inheritdoc />
    public async Task<Correction?> GetAsync(string id, CancellationToken cancellationToken) =>
        CorrectionIds.IsValid(id) && await AtomicFile.ReadIfExistsAsync(PathOf(id), cancellationToken) is { } json
            ? CorrectionJson.Parse(json)
            : null;

    /// <inheritdoc />
    public async Task<IReadOnlyList<Correction>> ListAsync(CancellationToken cancellationToken)
    {
        var ids = Ids().Order(StringComparer.Ordinal).ToArray();
        var read = new Correction?[ids.Length];
        await Parallel.ForAsync(0, ids.Length, new ParallelOptions { MaxDegreeOfParallelism = ParallelReads, CancellationToken = cancellationToken }, async (i, token) =>
        {
            // A file deleted since the listing is simply gone; an unreadable one is skipped (and logged below).
            read[i] = await AtomicFile.ReadIfExistsAsync(PathOf(ids[i]), token) is { } json ? CorrectionJson.Parse(json) : null;
        });
        var unreadable = ids.Where((id, i) => read[i] is null && File.Exists(PathOf(id))).ToArray();
        if (unreadable.Length > 0)
        {
            _logger.LogWarning("Skipped {Count} unreadable correction files in {Folder}, such as {Id}", unreadable.Length, _folder, unreadable[0]);
        }
        return read.OfType<Correction>().ToArray();
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> ListIdsAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>(Ids().Order(StringComparer.Ordinal).ToArray());

    /// <inheritdoc />
    public Task<int> CountAsync(CancellationToken cancellationToken) => Task.FromResult(Ids().Count());

    /// <inheritdoc />
    public Task<bool> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        if (!CorrectionIds.IsValid(id))
        {
            return Task.FromResult(false);
        }
        var path = PathOf(id);
        try
        {
            // File.Delete says nothing about a file that is not there, so look first; a racing delete of the same id
            // may then answer true twice, which is what both asked for.
            if (!File.Exists(path))
            {
                return Task.FromResult(false);
            }
            File.Delete(path);
        }
        catch (DirectoryNotFoundException)
        {
            return Task.FromResult(false);
        }
        _logger.LogInformation("Deleted correction {Id}", id);
        return Task.FromResult(true);
    }

    /// <summary>Releases the lock of adds.</summary>
    public void Dispose() => _adding.Dispose();

    private string PathOf(string id) => Path.Combine(_folder, id + Extension);

    /// <summary>The ids of the files in the folder; temporary files and anything else are left out.</summary>
    private IEnumerable<string> Ids() => Directory.Exists(_folder)
        ? Directory.EnumerateFiles(_folder, "*" + Extension)
            .Select(Path.GetFileNameWithoutExtension)
            .OfType<string>()
            .Where(CorrectionIds.IsValid)
        : [];
}
