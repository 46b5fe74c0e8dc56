using System.Text.RegularExpressions;

namespace Digit.Training.Cli;

/// <summary>What the figures of a run depend on besides the code: the processor's AVX-512 flags and the load average.</summary>
internal static partial class MachineLoad
{
    /// <summary>As `grep -o 'avx512[a-z]*' /proc/cpuinfo | sort -u` prints them.</summary>
    public static string Avx512Flags()
    {
        if (!File.Exists("/proc/cpuinfo"))
        {
            return "flags unknown (no /proc/cpuinfo)";
        }
        var flags = Avx512Flag().Matches(File.ReadAllText("/proc/cpuinfo")).Select(m => m.Value).Distinct().Order(StringComparer.Ordinal).ToArray();
        return flags.Length == 0 ? "no AVX-512" : string.Join(' ', flags);
    }

    /// <summary>The 1, 5 and 15 minute load averages from /proc/loadavg.</summary>
    public static string Average() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    [GeneratedRegex("avx512[a-z]*")]
    private static partial Regex Avx512Flag();
}
