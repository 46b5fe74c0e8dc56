using Digit.Testing;

namespace Digit.Infra.Tests;

/// <summary>Every .bicep file under infra/ builds and lints without a single diagnostic: a warning fails like an error.</summary>
public sealed class BicepFilesTests
{
    public static TheoryData<string> BicepFiles() => new(InfraFiles());

    /// <summary>Every .bicep file under infra/, relative to it.</summary>
    private static IEnumerable<string> InfraFiles()
    {
        var infra = Path.Combine(RepositoryRoot.Find(), "infra");
        return Directory.EnumerateFiles(infra, "*.bicep", SearchOption.AllDirectories)
            .Select(file => Path.GetRelativePath(infra, file))
            .Order(StringComparer.Ordinal);
    }

    [Fact]
    public void Infra_HasTheEntryTemplate()
    {
        Assert.Contains("main.bicep", InfraFiles());
    }

    [Theory]
    [MemberData(nameof(BicepFiles))]
    public async Task Build_EveryFile_HasNoDiagnostics(string file)
    {
        var result = await BicepCli.RunAsync("build", InfraPath(file), "--stdout");

        Assert.True(result.ExitCode == 0, $"bicep build {file} exited {result.ExitCode}:\n{result.Error}");
        Assert.Empty(result.Diagnostics);
        Assert.StartsWith("{", result.Output.TrimStart(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(BicepFiles))]
    public async Task Lint_EveryFile_HasNoDiagnostics(string file)
    {
        var result = await BicepCli.RunAsync("lint", InfraPath(file));

        Assert.True(result.ExitCode == 0, $"bicep lint {file} exited {result.ExitCode}:\n{result.Error}");
        Assert.Empty(result.Diagnostics);
    }

    // The two tests above pass when bicep prints nothing they recognise; this one shows that they recognise a warning.
    [Fact]
    public async Task Lint_FileWithAnUnusedParameter_ReportsAWarning()
    {
        var folder = Directory.CreateTempSubdirectory("digit-bicep-");
        try
        {
            var file = Path.Combine(folder.FullName, "unused.bicep");
            await File.WriteAllTextAsync(file, "param unused string\n\noutput answer int = 42\n");

            var result = await BicepCli.RunAsync("lint", file);

            Assert.Contains(result.Diagnostics, line => line.Contains(": Warning no-unused-params:", StringComparison.Ordinal));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static string InfraPath(string file) => Path.Combine(RepositoryRoot.Find(), "infra", file);
}
