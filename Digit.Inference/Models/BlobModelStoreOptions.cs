namespace Digit.Inference.Models;

/// <summary>Which Blob storage container <see cref="BlobModelStore"/> uses.</summary>
public sealed record BlobModelStoreOptions
{
    /// <summary>The storage account's connection string (for Azurite: <c>UseDevelopmentStorage=true</c>).</summary>
    public string? ConnectionString { get; init; }

    /// <summary>The container holding <c>versions/</c>, <c>checkpoints/</c> and <c>current.json</c>; created when missing.</summary>
    public string ContainerName { get; init; } = "models";
}
