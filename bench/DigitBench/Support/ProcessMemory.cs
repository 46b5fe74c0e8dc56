namespace Digit.Bench.Support;

/// <summary>
/// Another process's resident memory from /proc (Linux): now, and the peak since it was last reset. Resetting the
/// peak (writing 5 to clear_refs) needs the right to trace the process, which its parent has as the same user.
/// </summary>
internal static class ProcessMemory
{
    /// <summary>VmRSS in bytes.</summary>
    public static long Resident(int processId) => StatusField(processId, "VmRSS:");

    /// <summary>RssAnon in bytes: the resident part of the process's own allocations (heaps, stacks).</summary>
    public static long ResidentAnonymous(int processId) => StatusField(processId, "RssAnon:");

    /// <summary>RssFile in bytes: resident pages of mapped files (the runtime, libtorch, ONNX Runtime).</summary>
    public static long ResidentFiles(int processId) => StatusField(processId, "RssFile:");

    /// <summary>VmHWM in bytes: the most resident memory since start or since <see cref="ResetPeak"/>.</summary>
    public static long Peak(int processId) => StatusField(processId, "VmHWM:");

    /// <summary>Makes the peak the current resident size.</summary>
    public static void ResetPeak(int processId) => File.WriteAllText($"/proc/{processId}/clear_refs", "5");

    /// <summary>Bytes in MiB.</summary>
    public static double Mib(long bytes) => bytes / (double)(1 << 20);

    private static long StatusField(int processId, string field)
    {
        foreach (var line in File.ReadLines($"/proc/{processId}/status"))
        {
            if (line.StartsWith(field, StringComparison.Ordinal))
            {
                return long.Parse(line[field.Length..].Trim().Split(' ')[0]) * 1024;
            }
        }
        throw new InvalidOperationException($"/proc/{processId}/status has no {field}");
    }
}
