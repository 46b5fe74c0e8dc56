using Digit.Backend.Hosting;

namespace Digit.Backend.Tests.Hosting;

public sealed class ModelStorageTests
{
    [Theory]
    [InlineData("https://digitmodels.blob.core.windows.net/")]
    [InlineData("https://digitmodels.blob.core.windows.net")]
    public void Container_BlobServiceUrl_UsesAnIdentityNotAKey(string storage)
    {
        var container = ModelStorage.Container(storage, "digit-models");

        Assert.Equal(new Uri("https://digitmodels.blob.core.windows.net/digit-models"), container.Uri);
        Assert.Equal("digitmodels", container.AccountName);
        // Only a client holding an account key can sign SAS URLs itself.
        Assert.False(container.CanGenerateSasUri);
    }

    [Fact]
    public void Container_ConnectionString_UsesItsKey()
    {
        var container = ModelStorage.Container("UseDevelopmentStorage=true", "digit-models");

        Assert.Equal(new Uri("http://127.0.0.1:10000/devstoreaccount1/digit-models"), container.Uri);
        Assert.True(container.CanGenerateSasUri);
    }

    [Theory]
    [InlineData("UseDevelopmentStorage=true", false)]
    [InlineData("DefaultEndpointsProtocol=https;AccountName=digitmodels;AccountKey=a2V5;EndpointSuffix=core.windows.net", false)]
    [InlineData("http://127.0.0.1:10000/devstoreaccount1", false)]
    [InlineData("https://digitmodels.blob.core.windows.net/", true)]
    public void IsServiceUrl_TellsUrlsFromConnectionStrings(string storage, bool expected)
    {
        Assert.Equal(expected, ModelStorage.IsServiceUrl(storage, out _));
    }
}
