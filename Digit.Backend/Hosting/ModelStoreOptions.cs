using System.ComponentModel;
using Microsoft.Extensions.Configuration;

namespace Digit.Backend.Hosting;

/// <summary>Where models live and how instances follow the one being served.</summary>
public sealed class ModelStoreOptions
{
    /// <summary>Folder of the filesystem model store.</summary>
    [ConfigurationKeyName("MODEL_DIR"), RequiredSetting("a path")]
    [Description("folder of the filesystem model store (versions, current.json, checkpoints)")]
    public string Directory { get; set; } = "data/models";

    /// <summary>The model shipped with the code, published into an empty store at start; empty for none.</summary>
    [ConfigurationKeyName("SHIPPED_MODEL")]
    [Description("published into an empty model store at start; empty for none")]
    public string? ShippedModel { get; set; } = "models/digits.onnx";

    /// <summary>
    /// Blob storage connection string, or a blob service URL (https://account.blob.core.windows.net/) reached with the
    /// app's Azure identity; when set, models live in Blob storage instead of <see cref="Directory"/>.
    /// </summary>
    [ConfigurationKeyName("MODEL_STORAGE"), PasswordPropertyText(true)]
    [Description("Blob storage connection string, or a blob service URL (https://account.blob.core.windows.net/) reached with the app's Azure identity (AZURE_CLIENT_ID picks a user-assigned one); when set, models live in Blob storage instead of MODEL_DIR")]
    public string? BlobConnection { get; set; }

    /// <summary>Blob container of the model store.</summary>
    [ConfigurationKeyName("MODEL_CONTAINER"), RequiredSetting("a text")]
    [Description("Blob container of the model store")]
    public string Container { get; set; } = "digit-models";

    /// <summary>How often each instance looks for a newly published model, in milliseconds.</summary>
    [ConfigurationKeyName("MODEL_POLL_MS"), SettingRange(50, 60_000)]
    [Description("how often each instance looks for a newly published model, in milliseconds")]
    public int PollMilliseconds { get; set; } = 250;

    /// <summary>Relative MODEL_DIR and SHIPPED_MODEL, resolved against <paramref name="root"/>; an empty SHIPPED_MODEL is none.</summary>
    internal void ResolvePaths(ContentRoot root)
    {
        Directory = string.IsNullOrEmpty(Directory) ? Directory : root.Resolve(Directory);
        ShippedModel = string.IsNullOrEmpty(ShippedModel) ? null : root.Resolve(ShippedModel);
    }
}
