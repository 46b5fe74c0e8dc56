using System.Text.RegularExpressions;

namespace Digit.Bench.Support;

/// <summary>The AVX-512 flags of this machine's processor, as `grep -o 'avx512[a-z]*' /proc/cpuinfo | sort -u` prints them.</summary>
internal static partial class CpuFlags
{
    public static string Avx512()
    {
        if (!File.Exists("/proc/cpuinfo"))
        {
            return "unknown (no /proc/cpuinfo)";
        }
        var flags = Avx512Flag().Matches(File.ReadAllText("/proc/cpuinfo")).Select(m => m.Value).Distinct().Order(StringComparer.Ordinal).ToArray();
        return flags.Length == 0 ? "none" : string.Join(' ', flags);
    }

    [GeneratedRegex("avx512[a-z]*")]
    private static partial Regex Avx512Flag();
}
