using Digit.Training.Data;

namespace Digit.Testing;

/// <summary>The MNIST files for tests: MNIST_PATH when set, else data/mnist in the repository.</summary>
public static class MnistFolder
{
    public static string Resolve()
    {
        var configured = Environment.GetEnvironmentVariable(MnistFiles.FolderVariable);
        return string.IsNullOrWhiteSpace(configured)
            ? Path.Combine(RepositoryRoot.Find(), MnistFiles.DefaultFolder)
            : configured;
    }

    private static readonly Lazy<MnistSet> LazyTest = new(() => MnistFiles.LoadTest(Resolve()));

    /// <summary>The 10,000 MNIST test images, loaded once.</summary>
    public static MnistSet Test => LazyTest.Value;
}
