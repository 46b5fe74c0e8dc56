using System.Diagnostics;
using System.Reflection;
using System.Text.RegularExpressions;

namespace Digit.Infra.Tests;

/// <summary>The Bicep CLI from the NuGet package Azure.Bicep.CommandLine.linux-x64, which restore of this project downloads.</summary>
public static partial class BicepCli
{
    /// <summary>The bicep executable in the NuGet cache.</summary>
    public static string Path { get; } = typeof(BicepCli).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(attribute => attribute.Key == "BicepCli").Value!;

    /// <summary>Runs bicep with <paramref name="arguments"/> and returns its exit code, standard output and standard error.</summary>
    public static async Task<BicepResult> RunAsync(params string[] arguments)
    {
        if (!OperatingSystem.IsLinux() || System.Runtime.InteropServices.RuntimeInformation.OSArchitecture != System.Runtime.InteropServices.Architecture.X64)
        {
            throw new PlatformNotSupportedException("The infra tests run the linux-x64 Bicep CLI; run them on 64-bit Linux, as CI does.");
        }
        if (!File.Exists(Path))
        {
            throw new FileNotFoundException($"No Bicep CLI at {Path}: restore tests/Digit.Infra.Tests (its PackageDownload brings it).", Path);
        }
        // NuGet may extract the package without the execute bit.
        var mode = File.GetUnixFileMode(Path);
        if (!mode.HasFlag(UnixFileMode.UserExecute))
        {
            File.SetUnixFileMode(Path, mode | UnixFileMode.UserExecute);
        }

        var start = new ProcessStartInfo(Path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"bicep {string.Join(' ', arguments)} ran for more than 2 minutes.");
        }
        return new BicepResult(process.ExitCode, await output, await error);
    }

    /// <summary>The diagnostics bicep printed: lines such as <c>main.bicep(3,7) : Warning no-unused-params: …</c>.</summary>
    public static IReadOnlyList<string> Diagnostics(string text) =>
        text.Split('\n').Select(line => line.TrimEnd('\r')).Where(line => DiagnosticLine().IsMatch(line)).ToArray();

    [GeneratedRegex(@"\(\d+,\d+\) : (Error|Warning|Info) ")]
    private static partial Regex DiagnosticLine();
}

/// <summary>What one bicep command did.</summary>
public sealed record BicepResult(int ExitCode, string Output, string Error)
{
    /// <summary>Every diagnostic line, from either stream.</summary>
    public IReadOnlyList<string> Diagnostics => [.. BicepCli.Diagnostics(Output), .. BicepCli.Diagnostics(Error)];
}
