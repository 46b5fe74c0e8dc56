namespace Digit.Inference.Models;

/// <summary>Where <see cref="FileSystemModelStore"/> keeps its files.</summary>
public sealed record FileSystemModelStoreOptions
{
    /// <summary>
    /// Root folder of the store (created when missing); relative paths are resolved against the current
    /// directory. Holds <c>versions/</c>, <c>checkpoints/</c> and <c>current.json</c>.
    /// </summary>
    public string Folder { get; init; } = "models/store";
}
