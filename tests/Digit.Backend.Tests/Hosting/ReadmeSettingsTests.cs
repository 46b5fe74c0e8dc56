using System.Text.RegularExpressions;
using Digit.Backend.Hosting;
using Digit.Testing;

namespace Digit.Backend.Tests.Hosting;

/// <summary>The README's settings table and the settings the code reads cannot drift apart.</summary>
public sealed partial class ReadmeSettingsTests
{
    /// <summary>
    /// Rows of the table that ASP.NET Core or the telemetry exporters read, not the backend's options; and PORT, the
    /// local server's own (LocalServerOptionsTests holds its row to its default).
    /// </summary>
    private static readonly string[] ReadByPlatform = ["AllowedHosts", "OTEL_EXPORTER_OTLP_ENDPOINT", "APPLICATIONINSIGHTS_CONNECTION_STRING", "PORT"];

    [Fact]
    public void EverySettingTheCodeReads_HasARowWithTheCodesDefault()
    {
        var rows = ReadmeRows();
        var problems = new List<string>();
        foreach (var (setting, codeDefault) in Settings())
        {
            var name = setting.Name;
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
        var read = Settings().Select(setting => setting.Setting.Name).Concat(ReadByPlatform).ToHashSet();

        var unknown = ReadmeRows().Keys.Where(name => !read.Contains(name)).ToArray();

        Assert.True(unknown.Length == 0, $"README's settings table lists {string.Join(", ", unknown)}, which nothing reads.");
    }

    /// <summary>Every setting of the backend's options types, with its default.</summary>
    private static (SettingDescription Setting, string? Default)[] Settings()
    {
        var settings = SettingDescription.InAssembly(typeof(DigitServiceCollectionExtensions).Assembly).ToArray();
        // Settings that lost their options types would make every check above pass.
        Assert.Contains(settings, setting => setting.Setting.Name == "TRAINING_EPOCHS");
        return settings;
    }

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
