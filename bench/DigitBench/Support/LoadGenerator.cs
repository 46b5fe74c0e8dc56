using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Digit.Bench.Commands;
using Digit.Testing;

namespace Digit.Bench.Support;

/// <summary>Runs a load generator in its own process: `DigitBench load` (default) or wrk when asked and installed.</summary>
internal static partial class LoadGenerator
{
    /// <summary>Whether wrk is on PATH (apt-get install wrk).</summary>
    public static bool WrkInstalled =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Any(folder => File.Exists(Path.Combine(folder, "wrk")));

    public static async Task<LoadResult> RunAsync(
        string client, Uri url, byte[]? body, int connections, double warmupSeconds, double seconds, CancellationToken cancellationToken)
    {
        var bodyFile = body is null ? null : Path.GetTempFileName();
        try
        {
            if (bodyFile is not null)
            {
                await File.WriteAllBytesAsync(bodyFile, body!, cancellationToken);
            }
            return client == "wrk"
                ? await RunWrkAsync(url, bodyFile, connections, warmupSeconds, seconds, cancellationToken)
                : await RunSelfAsync(url, bodyFile, connections, warmupSeconds, seconds, cancellationToken);
        }
        finally
        {
            if (bodyFile is not null)
            {
                File.Delete(bodyFile);
            }
        }
    }

    private static async Task<LoadResult> RunSelfAsync(Uri url, string? bodyFile, int connections, double warmupSeconds, double seconds, CancellationToken cancellationToken)
    {
        var self = typeof(LoadGenerator).Assembly.Location;
        List<string> arguments = [self, "load", "--url", url.ToString(), "--connections", $"{connections}",
            "--seconds", seconds.ToString(CultureInfo.InvariantCulture), "--warmup", warmupSeconds.ToString(CultureInfo.InvariantCulture)];
        if (bodyFile is not null)
        {
            arguments.AddRange(["--body-file", bodyFile]);
        }
        var output = await RunProcessAsync(ServerProcess.DotnetHost(), arguments, cancellationToken);
        var line = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault(l => l.StartsWith('{'))
            ?? throw new InvalidOperationException($"The load client printed no result:{Environment.NewLine}{output}");
        return JsonSerializer.Deserialize<LoadResult>(line)!;
    }

    private static async Task<LoadResult> RunWrkAsync(Uri url, string? bodyFile, int connections, double warmupSeconds, double seconds, CancellationToken cancellationToken)
    {
        var script = Path.GetTempFileName();
        try
        {
            var lua = bodyFile is null
                ? "wrk.method = \"GET\"\n"
                : $"wrk.method = \"POST\"\nwrk.headers[\"Content-Type\"] = \"application/json\"\nlocal f = io.open(\"{bodyFile}\", \"rb\")\nwrk.body = f:read(\"*a\")\nf:close()\n";
            await File.WriteAllTextAsync(script, lua, cancellationToken);
            if (warmupSeconds >= 1)
            {
                await RunProcessAsync("wrk", ["-t2", $"-c{connections}", $"-d{Math.Ceiling(warmupSeconds)}s", "-s", script, url.ToString()], cancellationToken);
            }
            var output = await RunProcessAsync("wrk", ["-t2", $"-c{connections}", $"-d{Math.Ceiling(seconds)}s", "--latency", "-s", script, url.ToString()], cancellationToken);
            var requests = long.Parse(WrkTotal().Match(output).Groups[1].Value, CultureInfo.InvariantCulture);
            var duration = Duration(WrkTotal().Match(output).Groups[2].Value);
            var non2xx = WrkNon2xx().Match(output) is { Success: true } m ? long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
            var socketErrors = WrkSocketErrors().Matches(output).Sum(e => long.Parse(e.Groups[1].Value, CultureInfo.InvariantCulture));
            return new LoadResult(requests, non2xx + socketErrors, duration, requests / duration,
                Duration(WrkPercentile(output, "50%")) * 1000, Duration(WrkPercentile(output, "99%")) * 1000,
                Duration(WrkMean().Match(output).Groups[1].Value) * 1000, double.NaN);
        }
        finally
        {
            File.Delete(script);
        }
    }

    private static string WrkPercentile(string output, string percentile) =>
        Regex.Match(output, $@"^\s*{Regex.Escape(percentile)}\s+(\S+)", RegexOptions.Multiline).Groups[1].Value;

    /// <summary>wrk's "12.34us", "5.6ms", "1.2s", "2m" in seconds.</summary>
    private static double Duration(string text)
    {
        var match = Regex.Match(text, @"^([\d.]+)(us|ms|s|m)$");
        var value = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        return match.Groups[2].Value switch
        {
            "us" => value / 1e6,
            "ms" => value / 1e3,
            "m" => value * 60,
            _ => value,
        };
    }

    private static async Task<string> RunProcessAsync(string program, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(program, arguments) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(startInfo)!;
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} exited with code {process.ExitCode}:{Environment.NewLine}{await output}{await errors}");
        }
        return await output + await errors;
    }

    [GeneratedRegex(@"(\d+) requests in ([\d.]+\w+)")]
    private static partial Regex WrkTotal();

    [GeneratedRegex(@"Non-2xx or 3xx responses: (\d+)")]
    private static partial Regex WrkNon2xx();

    [GeneratedRegex(@"(?:connect|read|write|timeout) (\d+)")]
    private static partial Regex WrkSocketErrors();

    [GeneratedRegex(@"Latency\s+(\S+)")]
    private static partial Regex WrkMean();
}
