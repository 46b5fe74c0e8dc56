// DefaultAzureCredential comes with Azure.Core (through Azure.Storage.Blobs): no Azure.Identity package is needed.
using Azure.Identity;
using Azure.Storage.Blobs;

namespace Digit.Backend.Hosting;

/// <summary>The Blob container of the model store, from MODEL_STORAGE.</summary>
public static class ModelStorage
{
    /// <summary>
    /// A blob service URL (https://account.blob.core.windows.net/) is reached with the app's Azure identity, so that
    /// no account key has to be in the settings: a managed identity on Azure (AZURE_CLIENT_ID names a user-assigned
    /// one), a developer's Azure CLI or Visual Studio login elsewhere. Anything else is a connection string.
    /// </summary>
    public static BlobContainerClient Container(string storage, string container)
    {
        if (IsServiceUrl(storage, out var service))
        {
            var uri = new BlobUriBuilder(service) { BlobContainerName = container }.ToUri();
            return new BlobContainerClient(uri, new DefaultAzureCredential());
        }
        return new BlobContainerClient(storage, container);
    }

    /// <summary>Whether <paramref name="storage"/> is an https URL rather than a connection string.</summary>
    public static bool IsServiceUrl(string storage, out Uri service) =>
        Uri.TryCreate(storage, UriKind.Absolute, out service!) && service.Scheme == Uri.UriSchemeHttps;
}
