using Digit.Testing.Hosts;

namespace Digit.Bench.Support;

/// <summary>The real local server the HTTP benchmarks measure: the Release build, as a child process on 127.0.0.1.</summary>
internal static class BenchServer
{
    /// <summary>
    /// Starts the server with its own defaults, a fresh model folder seeded with <paramref name="modelPath"/> and
    /// <paramref name="settings"/> as its environment, and waits until it serves the model.
    /// </summary>
    public static Task<LocalServerProcess> StartAsync(string modelPath, IReadOnlyDictionary<string, string?> settings) =>
        LocalServerProcess.StartAsync(new Dictionary<string, string?>(settings) { ["SHIPPED_MODEL"] = modelPath }, withTestSettings: false);
}
