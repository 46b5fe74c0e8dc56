using Digit.Training.Data;

namespace Digit.Training.Tests.TestSupport;

/// <summary>Finds the MNIST files for tests and turns images into the model's input layout.</summary>
internal static class MnistTestData
{
    /// <summary>
    /// MNIST_PATH when set; otherwise data/mnist from the working directory or the nearest parent of the test
    /// binaries. When none exists the default is returned, and loading it fails with the fetch instructions.
    /// </summary>
    public static string ResolveFolder()
    {
        var resolved = MnistFiles.ResolveFolder();
        if (resolved != MnistFiles.DefaultFolder || Directory.Exists(resolved))
        {
            return resolved;
        }
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, MnistFiles.DefaultFolder);
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }
        return resolved;
    }

    /// <summary>A file of the repository, found by walking up from the test binaries to the folder holding Digit.sln.</summary>
    public static string RepositoryFile(string relativePath)
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Digit.sln")))
            {
                return Path.Combine(directory.FullName, relativePath);
            }
        }
        throw new InvalidOperationException($"No folder above {AppContext.BaseDirectory} holds Digit.sln.");
    }

    /// <summary>Images <paramref name="start"/> .. start + count - 1 as floats 0..1, laid out [count, 1, 28, 28].</summary>
    public static float[] Scaled(MnistSet set, int start, int count) => set.Scaled(start, count);

    public static long[] Shape(int count) => [count, 1, MnistSet.ImageSide, MnistSet.ImageSide];
}
