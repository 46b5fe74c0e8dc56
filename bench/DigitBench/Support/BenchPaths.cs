using Digit.Training.Data;

namespace Digit.Bench.Support;

/// <summary>Where the benchmarks find the repository, the MNIST files and the shipped model.</summary>
internal static class BenchPaths
{
    /// <summary>The folder holding Digit.sln, looked for upwards from the working directory, then from the program.</summary>
    public static string RepositoryRoot()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var folder = new DirectoryInfo(start); folder is not null; folder = folder.Parent)
            {
                if (File.Exists(Path.Combine(folder.FullName, "Digit.sln")))
                {
                    return folder.FullName;
                }
            }
        }
        throw new InvalidOperationException("Run the benchmarks from inside the Digit repository (no Digit.sln found above the working directory).");
    }

    /// <summary>--mnist, else MNIST_PATH, else data/mnist in the repository.</summary>
    public static string MnistFolder(string? option)
    {
        var folder = MnistFiles.ResolveFolder(option);
        return Path.IsPathRooted(folder) ? folder : Path.Combine(RepositoryRoot(), folder);
    }

    /// <summary>--model, else the shipped models/digits.onnx.</summary>
    public static string Model(string? option) =>
        string.IsNullOrEmpty(option) ? Path.Combine(RepositoryRoot(), "models", "digits.onnx") : Path.GetFullPath(option);

    /// <summary>--baseline, else bench/models/classic-digits.onnx: the model shipped before issue 11, kept to compare against.</summary>
    public static string Baseline(string? option) =>
        string.IsNullOrEmpty(option) ? Path.Combine(RepositoryRoot(), "bench", "models", "classic-digits.onnx") : Path.GetFullPath(option);
}
