using System.Text.RegularExpressions;
using Digit.Backend.Hosting;
using Digit.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Digit.Backend.Tests.Hosting;

/// <summary>The README's settings table and the settings the code reads cannot drift apart.</summary>
public sealed partial class ReadmeSettingsTests
{
    /// <summary>Rows of the table that ASP.NET Core or the telemetry exporters read, not the app's settings binder.</summary>
    private static readonly string[] ReadByPlatform = ["AllowedHosts", "OTEL_EXPORTER_OTLP_ENDPOINT", "APPLICATIONINSIGHTS_CONNECTION_STRING"];

    [Fact]
    public void EverySettingTheCodeReads_HasARowWithTheCodesDefault()
    {
        var rows = ReadmeRows();
        var problems = new List<string>();
        foreach (var (name, _, codeDefault, _, _) in Catalog().Describe())
        {
            if (!rows.TryGetValue(name, out var readmeDefault))
            {
                problems.Add($"{name} has no row");
            }
            else if (!string.IsNullOrEmpty(codeDefault) && !readmeDefault.StartsWith($"`{codeDefault}`", StringComparison.Ordinal))
            {
                problems.Add($"{name} defaults to '{codeDefault}' in the code and to {readmeDefault} in the README");
            }
        }

        Assert.True(problems.Count == 0, "README's settings table: " + string.Join("; ", problems));
    }

    [Fact]
    public void EveryRowOfTheTable_IsASettingSomethingReads()
    {
        var read = Catalog().Describe().Select(setting => setting.Name).Concat(ReadByPlatform).ToHashSet();

        var unknown = ReadmeRows().Keys.Where(name => !read.Contains(name)).ToArray();

        Assert.True(unknown.Length == 0, $"README's settings table lists {string.Join(", ", unknown)}, which nothing reads.");
    }

    private static SettingsCatalog Catalog() =>
        (SettingsCatalog)new ServiceCollection().AddDigitService()
            .Single(service => service.ServiceType == typeof(SettingsCatalog)).ImplementationInstance!;

    /// <summary>Name → default cell of each row of the table whose header is "variable | default | meaning".</summary>
    private static Dictionary<string, string> ReadmeRows()
    {
        var lines = File.ReadAllLines(Path.Combine(RepositoryRoot.Find(), "README.md"));
        var header = Array.IndexOf(lines, "| variable | default | meaning |");
        Assert.True(header >= 0, "README.md has no settings table (| variable | default | meaning |).");
        return lines.Skip(header + 2)
            .TakeWhile(line => line.StartsWith('|'))
            .Select(line => Row().Match(line))
            .Where(match => match.Success)
            .ToDictionary(match => match.Groups["name"].Value, match => match.Groups["default"].Value.Trim());
    }

    [GeneratedRegex(@"^\| `(?<name>[A-Za-z_]+)` \|(?<default>[^|]*)\|")]
    private static partial Regex Row();
}
