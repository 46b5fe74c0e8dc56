using System.Text.Json;
using Azure.Storage.Blobs;
using Digit.Inference.Models;
using Digit.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Digit.Inference.Tests.Models;

[Collection(AzuriteCollection.Name)]
public sealed class BlobModelStoreTests : ModelStoreContract
{
    private readonly AzuriteFixture _azurite;
    private readonly BlobContainerClient _container;

    public BlobModelStoreTests(AzuriteFixture azurite)
    {
        _azurite = azurite;
        _container = azurite.NewContainerClient();
    }

    protected override IModelStore CreateStore() =>
        new BlobModelStore(new BlobContainerClient(_azurite.ConnectionString, _container.Name), Time, NullLogger<BlobModelStore>.Instance);

    [Fact]
    public async Task PublishAsync_ContainerMissing_CreatesContainer()
    {
        Assert.False(await _container.ExistsAsync());

        await CreateStore().PublishAsync(ModelBytes(1), 0.9, CancellationToken.None);

        Assert.True(await _container.ExistsAsync());
    }

    [Fact]
    public async Task PublishAsync_Model_WritesVersionBlobAndPointer()
    {
        var published = await CreateStore().PublishAsync(ModelBytes(1), 0.99, CancellationToken.None);

        var model = await _container.GetBlobClient($"versions/{published.Version}.onnx").DownloadContentAsync();
        Assert.Equal(ModelBytes(1), model.Value.Content.ToArray());
        var pointer = await _container.GetBlobClient("current.json").DownloadContentAsync();
        using var json = JsonDocument.Parse(pointer.Value.Content.ToMemory());
        Assert.Equal(published.Version, json.RootElement.GetProperty("version").GetString());
        Assert.Equal(0.99, json.RootElement.GetProperty("accuracy").GetDouble());
        Assert.Equal(Start, json.RootElement.GetProperty("publishedAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task SaveCheckpointAsync_Checkpoint_WritesCheckpointBlob()
    {
        await CreateStore().SaveCheckpointAsync("run-7", ModelBytes(2), CancellationToken.None);

        var checkpoint = await _container.GetBlobClient("checkpoints/run-7.bin").DownloadContentAsync();
        Assert.Equal(ModelBytes(2), checkpoint.Value.Content.ToArray());
    }
}
