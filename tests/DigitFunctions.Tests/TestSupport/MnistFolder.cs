namespace Digit.Functions.Tests.TestSupport;

/// <summary>Where the tests read MNIST: MNIST_PATH when set, else data/mnist in the nearest folder above the test binaries.</summary>
internal static class MnistFolder
{
    public static string Find()
    {
        if (Environment.GetEnvironmentVariable("MNIST_PATH") is { Length: > 0 } configured)
        {
            return configured;
        }
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var candidate = Path.Combine(folder.FullName, "data", "mnist");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new InvalidOperationException("No MNIST files: set MNIST_PATH or run scripts/fetch-mnist.sh in the repository.");
    }
}
