using Digit.Backend.Hosting;

namespace Digit.Backend.Tests.Hosting;

public sealed class FrontendOptionsTests
{
    [Theory]
    [InlineData("http://localhost:7071", "http", "localhost:7071", true)]
    [InlineData("http://LOCALHOST:7071/", "http", "localhost:7071", true)]
    [InlineData("https://localhost:7071", "http", "localhost:7071", false)]
    [InlineData("http://localhost:7072", "http", "localhost:7071", false)]
    [InlineData("http://localhost", "http", "localhost:7071", false)]
    [InlineData("null", "http", "localhost:7071", false)]
    public void IsOwnOrigin_WithoutSiteHost_IsTheRequestsSchemeAndHost(string origin, string scheme, string host, bool own)
    {
        Assert.Equal(own, new FrontendOptions().IsOwnOrigin(origin, scheme, host));
    }

    [Theory]
    [InlineData("https://digit.azurewebsites.net", "http", "digit.azurewebsites.net", true)]
    [InlineData("https://digit.azurewebsites.net", "https", "digit.azurewebsites.net", true)]
    [InlineData("http://digit.azurewebsites.net", "http", "digit.azurewebsites.net", true)]
    [InlineData("http://evil.example", "http", "evil.example", false)]
    [InlineData("https://evil.example", "https", "evil.example", false)]
    [InlineData("http://digit.azurewebsites.net", "https", "digit.azurewebsites.net", false)]
    public void IsOwnOrigin_WithSiteHost_NeedsThatName(string origin, string scheme, string host, bool own)
    {
        var options = new FrontendOptions { SiteHost = "digit.azurewebsites.net" };

        Assert.Equal(own, options.IsOwnOrigin(origin, scheme, host));
    }
}
