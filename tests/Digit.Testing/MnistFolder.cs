using Digit.Training.Data;

namespace Digit.Testing;

/// <summary>The MNIST files for tests and benchmarks.</summary>
public static class MnistFolder
{
    /// <summary>
    /// <paramref name="folder"/> when given, else MNIST_PATH, else data/mnist; a relative path is taken from the
    /// repository root, as the servers take it.
    /// </summary>
    public static string Resolve(string? folder = null)
    {
        var resolved = MnistFiles.ResolveFolder(folder);
        return Path.IsPathRooted(resolved) ? resolved : Path.Combine(RepositoryRoot.Find(), resolved);
    }

    private static readonly Lazy<MnistSet> LazyTest = new(() => MnistFiles.LoadTest(Resolve()));

    /// <summary>The 10,000 MNIST test images, loaded once.</summary>
    public static MnistSet Test => LazyTest.Value;
}
