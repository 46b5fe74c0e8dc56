using Microsoft.Extensions.Logging;

namespace Digit.Inference.Models;

/// <summary>
/// A model store in a local folder: <c>versions/&lt;version&gt;.onnx</c>, <c>checkpoints/&lt;runId&gt;.bin</c> and
/// the pointer <c>current.json</c>. Every file is written to a temporary file in the same folder, flushed to
/// disk and then renamed into place, so readers see either the old or the new content, never part of it;
/// the pointer is only switched after its model is complete.
/// </summary>
/// <remarks>
/// Temporary files start with '.' and end with <c>.tmp</c>; a process killed mid-write can leave one behind,
/// which the store ignores. Two processes publishing at once both get their own version, but whichever
/// switches the pointer last wins; <see cref="ActivateIfCurrentAsync"/> compares and switches under an exclusive
/// lock on <c>.current.lock</c>, which every process sharing the folder honours.
/// </remarks>
public sealed class FileSystemModelStore : IModelStore
{
    private readonly string _versionsFolder;
    private readonly string _checkpointsFolder;
    private readonly string _currentPointerPath;
    private readonly string _pointerLockPath;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<FileSystemModelStore> _logger;

    /// <summary>
    /// A store in <see cref="FileSystemModelStoreOptions.Folder"/>, whose folders are created on the first write;
    /// <paramref name="timeProvider"/> stamps the versions published.
    /// </summary>
    public FileSystemModelStore(FileSystemModelStoreOptions options, TimeProvider timeProvider, ILogger<FileSystemModelStore> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Folder);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);

        var root = Path.GetFullPath(options.Folder);
        _versionsFolder = Path.Combine(root, ModelStoreLayout.VersionsFolder);
        _checkpointsFolder = Path.Combine(root, ModelStoreLayout.CheckpointsFolder);
        _currentPointerPath = Path.Combine(root, ModelStoreLayout.CurrentPointerName);
        _pointerLockPath = Path.Combine(root, ".current.lock");
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <inheritdoc />
    public async Task<ModelVersion?> GetCurrentAsync(CancellationToken cancellationToken)
    {
        var json = await AtomicFile.ReadIfExistsAsync(_currentPointerPath, cancellationToken);
        return json is null ? null : ModelStoreLayout.ParsePointer(json);
    }

    /// <inheritdoc />
    public async Task<byte[]> ReadModelAsync(string version, CancellationToken cancellationToken)
    {
        if (!ModelStoreLayout.IsValidName(version))
        {
            throw new ModelNotFoundException(version);
        }

        return await AtomicFile.ReadIfExistsAsync(VersionPath(version), cancellationToken)
            ?? throw new ModelNotFoundException(version);
    }

    /// <inheritdoc />
    public async Task<ModelVersion> StoreAsync(byte[] onnxModel, ModelDescription description, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(onnxModel);
        ArgumentNullException.ThrowIfNull(description);
        Directory.CreateDirectory(_versionsFolder);

        var publishedAt = _timeProvider.GetUtcNow();
        var tempPath = await AtomicFile.WriteTempFileAsync(_versionsFolder, onnxModel, cancellationToken);
        string version;
        try
        {
            version = MoveToNewVersion(tempPath, ModelStoreLayout.StampOf(publishedAt));
        }
        catch
        {
            AtomicFile.DeleteQuietly(tempPath);
            throw;
        }

        var stored = ModelStoreLayout.Describe(version, description, publishedAt);
        await AtomicFile.WriteAsync(DescriptionPath(version), ModelStoreLayout.FormatPointer(stored), cancellationToken);
        _logger.LogInformation("Stored model {Version} with accuracy {Accuracy} in {Folder}", version, description.Accuracy, _versionsFolder);
        return stored;
    }

    /// <inheritdoc />
    public async Task<ModelVersion> ActivateAsync(string version, CancellationToken cancellationToken)
    {
        var current = await DescribeStoredAsync(version, cancellationToken);
        await AtomicFile.WriteAsync(_currentPointerPath, ModelStoreLayout.FormatPointer(current), cancellationToken);
        _logger.LogInformation("Model {Version} is now the current one", version);
        return current;
    }

    /// <inheritdoc />
    public async Task<ModelVersion?> ActivateIfCurrentAsync(string version, string? expectedCurrent, CancellationToken cancellationToken)
    {
        var next = await DescribeStoredAsync(version, cancellationToken);
        await using var pointerLock = await LockPointerAsync(cancellationToken);
        var current = await GetCurrentAsync(cancellationToken);
        if (current?.Version != expectedCurrent)
        {
            _logger.LogInformation("Model {Version} was not made current: the current one is {Current}, not {Expected}", version, current?.Version, expectedCurrent);
            return null;
        }
        await AtomicFile.WriteAsync(_currentPointerPath, ModelStoreLayout.FormatPointer(next), cancellationToken);
        _logger.LogInformation("Model {Version} is now the current one", version);
        return next;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ModelVersion>> ListVersionsAsync(CancellationToken cancellationToken)
    {
        if (!Directory.Exists(_versionsFolder))
        {
            return [];
        }
        var versions = new List<ModelVersion>();
        foreach (var version in Directory.EnumerateFiles(_versionsFolder, "*" + ModelStoreLayout.ModelExtension)
                     .Select(Path.GetFileNameWithoutExtension)
                     .OfType<string>()
                     .Where(ModelStoreLayout.IsValidName)
                     .Order(StringComparer.Ordinal))
        {
            versions.Add(ModelStoreLayout.ParseDescription(version, await AtomicFile.ReadIfExistsAsync(DescriptionPath(version), cancellationToken)));
        }
        return versions;
    }

    /// <inheritdoc />
    public async Task SaveCheckpointAsync(string runId, byte[] checkpoint, CancellationToken cancellationToken)
    {
        ModelStoreLayout.ThrowIfInvalidRunId(runId);
        ArgumentNullException.ThrowIfNull(checkpoint);
        Directory.CreateDirectory(_checkpointsFolder);
        await AtomicFile.WriteAsync(CheckpointPath(runId), checkpoint, cancellationToken);
        _logger.LogDebug("Saved checkpoint of run {RunId} ({Bytes} bytes)", runId, checkpoint.Length);
    }

    /// <inheritdoc />
    public Task<byte[]?> ReadCheckpointAsync(string runId, CancellationToken cancellationToken)
    {
        ModelStoreLayout.ThrowIfInvalidRunId(runId);
        return AtomicFile.ReadIfExistsAsync(CheckpointPath(runId), cancellationToken);
    }

    /// <inheritdoc />
    public Task DeleteCheckpointAsync(string runId, CancellationToken cancellationToken)
    {
        ModelStoreLayout.ThrowIfInvalidRunId(runId);
        try
        {
            File.Delete(CheckpointPath(runId));
        }
        catch (DirectoryNotFoundException)
        {
            // No checkpoint was ever saved: nothing to delete.
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> ListCheckpointsAsync(CancellationToken cancellationToken)
    {
        if (!Directory.Exists(_checkpointsFolder))
        {
            return Task.FromResult<IReadOnlyList<string>>([]);
        }
        IReadOnlyList<string> runIds = Directory
            .EnumerateFiles(_checkpointsFolder, "*" + ModelStoreLayout.CheckpointExtension)
            .Select(Path.GetFileNameWithoutExtension)
            .OfType<string>()
            .Where(ModelStoreLayout.IsValidName)
            .ToArray();
        return Task.FromResult(runIds);
    }

    private const string ClaimExtension = ".claim";

    private string VersionPath(string version) => Path.Combine(_versionsFolder, version + ModelStoreLayout.ModelExtension);

    private string DescriptionPath(string version) => Path.Combine(_versionsFolder, version + ModelStoreLayout.DescriptionExtension);

    private string CheckpointPath(string runId) => Path.Combine(_checkpointsFolder, runId + ModelStoreLayout.CheckpointExtension);

    /// <summary>
    /// Gives the finished temporary file the first free version name of this millisecond. A name is claimed by
    /// creating an empty <c>.claim</c> file beside it with O_EXCL, which exactly one publisher can do; a rename
    /// that refuses to overwrite is not enough, because .NET checks and renames in two steps. Claims stay, so a
    /// later publisher can never take a name again.
    /// </summary>
    private string MoveToNewVersion(string tempPath, string stamp)
    {
        var existing = Directory
            .EnumerateFiles(_versionsFolder, stamp + "-*" + ModelStoreLayout.ModelExtension)
            .Select(Path.GetFileNameWithoutExtension)
            .OfType<string>();
        var counter = ModelStoreLayout.NextCounter(stamp, existing);
        while (true)
        {
            var version = ModelStoreLayout.VersionName(stamp, counter);
            var target = VersionPath(version);
            try
            {
                new FileStream(target + ClaimExtension, FileMode.CreateNew, FileAccess.Write, FileShare.None).Dispose();
            }
            catch (IOException) when (File.Exists(target + ClaimExtension))
            {
                counter++;
                continue;
            }
            File.Move(tempPath, target, overwrite: true);
            return version;
        }
    }

    // An exclusive open is an advisory lock (flock) on Unix and a sharing lock on Windows: either way a second
    // opener, in this process or another, waits here until the first has switched the pointer.
    private async Task<FileStream> LockPointerAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_pointerLockPath)!);
        while (true)
        {
            try
            {
                return new FileStream(_pointerLockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (!cancellationToken.IsCancellationRequested)
            {
                // Real time, not the store's clock: the wait is for another writer, whatever time the store stamps.
                await Task.Delay(TimeSpan.FromMilliseconds(20), cancellationToken);
            }
        }
    }

    /// <summary>A stored version as it would be made current; <see cref="ModelNotFoundException"/> when it is not stored.</summary>
    private async Task<ModelVersion> DescribeStoredAsync(string version, CancellationToken cancellationToken)
    {
        if (!ModelStoreLayout.IsValidName(version) || !File.Exists(VersionPath(version)))
        {
            throw new ModelNotFoundException(version);
        }
        return ModelStoreLayout.ParseDescription(version, await AtomicFile.ReadIfExistsAsync(DescriptionPath(version), cancellationToken));
    }
}
