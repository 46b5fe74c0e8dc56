namespace Digit.Inference.Models;

/// <summary>
/// Whole-file writes that readers never see half done: the content goes to a temporary file in the same folder
/// (named <c>.&lt;guid&gt;.tmp</c>), is flushed to disk and then renamed into place. A process killed mid-write can
/// leave a temporary file behind, which the stores ignore.
/// </summary>
internal static class AtomicFile
{
    /// <summary>The suffix of temporary files.</summary>
    public const string TempExtension = ".tmp";

    private const int WriteChunkSize = 64 * 1024;

    /// <summary>Writes <paramref name="content"/> to <paramref name="path"/>, replacing what was there.</summary>
    public static async Task WriteAsync(string path, byte[] content, CancellationToken cancellationToken)
    {
        var folder = Path.GetDirectoryName(path) ?? throw new ArgumentException($"'{path}' has no folder.", nameof(path));
        var tempPath = await WriteTempFileAsync(folder, content, cancellationToken);
        try
        {
            File.Move(tempPath, path, overwrite: true);
        }
        catch
        {
            DeleteQuietly(tempPath);
            throw;
        }
    }

    /// <summary>Writes <paramref name="content"/> to a new temporary file in <paramref name="folder"/>, flushed to disk.</summary>
    public static async Task<string> WriteTempFileAsync(string folder, byte[] content, CancellationToken cancellationToken)
    {
        var tempPath = Path.Combine(folder, $".{Guid.NewGuid():N}{TempExtension}");
        try
        {
            await using var stream = new FileStream(
                tempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1, FileOptions.Asynchronous);
            for (var offset = 0; offset < content.Length; offset += WriteChunkSize)
            {
                var length = Math.Min(WriteChunkSize, content.Length - offset);
                await stream.WriteAsync(content.AsMemory(offset, length), cancellationToken);
            }

            stream.Flush(flushToDisk: true);
        }
        catch
        {
            DeleteQuietly(tempPath);
            throw;
        }

        return tempPath;
    }

    /// <summary>The content of <paramref name="path"/>, or null when it does not exist.</summary>
    public static async Task<byte[]?> ReadIfExistsAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            return await File.ReadAllBytesAsync(path, cancellationToken);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Deletes <paramref name="path"/> when it can.</summary>
    public static void DeleteQuietly(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: a stray temporary file is ignored by the stores.
        }
    }
}
