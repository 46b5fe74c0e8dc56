using Digit.Backend.Hosting;
using Digit.Testing;

namespace Digit.LocalServer.Tests;

/// <summary>The local server's own settings have their rows in README's settings table, with the code's default.</summary>
public sealed class LocalServerOptionsTests
{
    [Fact]
    public void EverySettingOfTheLocalServer_HasAReadmeRowWithTheCodesDefault()
    {
        var readme = File.ReadAllLines(Path.Combine(RepositoryRoot.Find(), "README.md"));
        var settings = SettingDescription.InAssembly(typeof(Program).Assembly).ToArray();

        Assert.Contains(settings, setting => setting.Setting.Name == "PORT");
        Assert.All(settings, setting => Assert.Contains(
            readme, line => line.StartsWith($"| `{setting.Setting.Name}` | `{setting.Default}` |", StringComparison.Ordinal)));
    }
}
