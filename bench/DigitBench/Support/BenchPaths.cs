using Digit.Testing;
using Digit.Testing.Hosts;

namespace Digit.Bench.Support;

/// <summary>The models the benchmarks run unless told otherwise.</summary>
internal static class BenchPaths
{
    /// <summary>--model, else the shipped models/digits.onnx.</summary>
    public static string Model(string? option) =>
        string.IsNullOrEmpty(option) ? DigitHost.ShippedModel : Path.GetFullPath(option);

    /// <summary>--baseline, else bench/models/classic-digits.onnx: the model shipped before the fast recipe, kept to compare against.</summary>
    public static string Baseline(string? option) =>
        string.IsNullOrEmpty(option) ? Path.Combine(RepositoryRoot.Find(), "bench", "models", "classic-digits.onnx") : Path.GetFullPath(option);
}
