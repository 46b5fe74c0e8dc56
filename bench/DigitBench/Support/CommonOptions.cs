using System.CommandLine;

namespace Digit.Bench.Support;

/// <summary>Options several commands take; each command gets its own instances.</summary>
internal static class CommonOptions
{
    public static Option<string> Mnist() => new("--mnist")
    {
        Description = "Folder of the MNIST IDX files (default: $MNIST_PATH or data/mnist)",
    };

    public static Option<string> Model() => new("--model")
    {
        Description = "ONNX model to run (default: models/digits.onnx)",
    };

    public static Option<string> Baseline() => new("--baseline")
    {
        Description = "ONNX model to compare against in the same run (default: bench/models/classic-digits.onnx, the model shipped before the fast recipe)",
    };

    public static Option<int> Seed() => new("--seed")
    {
        Description = "Seed of every random choice",
        DefaultValueFactory = _ => 12345,
    };
}
