using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Digit.Inference.Corrections;
using Digit.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Digit.Inference.Tests.Corrections;

[Collection(AzuriteCollection.Name)]
public sealed class BlobCorrectionStoreTests : CorrectionStoreContract
{
    private readonly AzuriteFixture _azurite;
    private readonly BlobContainerClient _container;

    public BlobCorrectionStoreTests(AzuriteFixture azurite)
    {
        _azurite = azurite;
        _container = azurite.NewContainerClient();
    }

    protected override ICorrectionStore CreateStore() =>
        new BlobCorrectionStore(new BlobContainerClient(_azurite.ConnectionString, _container.Name), NullLogger<BlobCorrectionStore>.Instance);

    [Fact]
    public async Task AddAsync_Correction_WritesOneBlobOfThePixelsWithTheRecordInItsMetadata()
    {
        var correction = NewCorrection(1, label: 3);

        await CreateStore().AddAsync(correction, CancellationToken.None);

        var blob = Assert.Single(await _container.GetBlobsAsync(new GetBlobsOptions { Traits = BlobTraits.Metadata }).ToArrayAsync());
        Assert.Equal("corrections/" + correction.Id, blob.Name);
        Assert.Equal("3", blob.Metadata["label"]);
        Assert.Equal(correction.Pixels, (await _container.GetBlobClient(blob.Name).DownloadContentAsync()).Value.Content.ToArray());
    }

    [Fact]
    public async Task ListAsync_OtherBlobsInTheContainer_AreLeftOut()
    {
        var store = CreateStore();
        var correction = NewCorrection(2);
        await store.AddAsync(correction, CancellationToken.None);
        await _container.GetBlobClient("current.json").UploadAsync(BinaryData.FromString("{}"));
        await _container.GetBlobClient("corrections/not-an-id").UploadAsync(BinaryData.FromString("x"));

        AssertSame(correction, Assert.Single(await CreateStore().ListAsync(CancellationToken.None)));
        Assert.Equal(1, await store.CountAsync(CancellationToken.None));
    }
}
