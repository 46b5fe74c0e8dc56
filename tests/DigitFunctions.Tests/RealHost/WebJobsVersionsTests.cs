namespace Digit.Functions.Tests.RealHost;

public sealed class WebJobsVersionsTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("digit-webjobs-versions-");

    public void Dispose() => _folder.Delete(recursive: true);

    [Fact]
    public void Read_HostOlderThanTheExtensionsNeed_IsIncompatibleAndNamesBothVersions()
    {
        var (host, app) = Lay(hostWebJobs: "3.0.41", appWebJobs: "3.0.48");

        var versions = WebJobsVersions.Read(host, app);

        Assert.False(versions.Compatible);
        Assert.Equal(new Version(3, 0, 41), versions.Host);
        Assert.Equal(new Version(3, 0, 48), versions.Extensions);
        Assert.Contains("Microsoft.Azure.WebJobs.Extensions.DurableTask 3.18.0", versions.ToString(), StringComparison.Ordinal);
        Assert.Contains("3.0.41", versions.ToString(), StringComparison.Ordinal);
        Assert.Contains("3.0.48", versions.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("3.0.48", "3.0.48")]
    [InlineData("3.0.50", "3.0.45")]
    public void Read_HostAtLeastAsNew_IsCompatible(string hostWebJobs, string appWebJobs)
    {
        var (host, app) = Lay(hostWebJobs, appWebJobs);

        Assert.True(WebJobsVersions.Read(host, app).Compatible);
    }

    [Fact]
    public void Read_HostWithoutWebJobs_SaysWhichFileLacksIt()
    {
        var (host, app) = Lay(hostWebJobs: null, appWebJobs: "3.0.48");

        var error = Assert.Throws<InvalidOperationException>(() => WebJobsVersions.Read(host, app));

        Assert.Contains("Microsoft.Azure.WebJobs.Script.WebHost.deps.json", error.Message, StringComparison.Ordinal);
    }

    private (string Host, string App) Lay(string? hostWebJobs, string appWebJobs)
    {
        var host = Directory.CreateDirectory(Path.Combine(_folder.FullName, "hostbuild", "host")).Parent!.FullName;
        var app = Path.Combine(_folder.FullName, "app");
        Directory.CreateDirectory(Path.Combine(app, ".azurefunctions"));
        File.WriteAllText(Path.Combine(host, "host", "Microsoft.Azure.WebJobs.Script.WebHost.deps.json"), Deps(
            hostWebJobs is null ? [] : [$"Microsoft.Azure.WebJobs/{hostWebJobs}", "Microsoft.Azure.WebJobs.Host.Storage/5.0.1"]));
        File.WriteAllText(Path.Combine(app, ".azurefunctions", "function.deps.json"), Deps(
            [$"Microsoft.Azure.WebJobs/{appWebJobs}", "Microsoft.Azure.WebJobs.Extensions.DurableTask/3.18.0"]));
        return (Path.Combine(host, "host", "Microsoft.Azure.WebJobs.Script.WebHost.deps.json"), app);
    }

    private static string Deps(string[] libraries) =>
        "{\"targets\":{\".NETCoreApp,Version=v8.0\":{" + string.Join(",", libraries.Select(library => $"\"{library}\":{{}}")) + "}}}";
}
