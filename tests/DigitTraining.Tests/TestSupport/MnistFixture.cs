using Digit.Training.Data;

namespace Digit.Training.Tests.TestSupport;

/// <summary>
/// Loads the real MNIST files once per test run: from MNIST_PATH, else data/mnist in the repository.
/// Missing data fails the tests with the message that says how to fetch it.
/// </summary>
public sealed class MnistFixture
{
    public MnistFixture()
    {
        Folder = Locate();
        Data = MnistFiles.Load(Folder);
    }

    public string Folder { get; }

    public MnistData Data { get; }

    private static string Locate()
    {
        var configured = Environment.GetEnvironmentVariable(MnistFiles.FolderVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured;
        }
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Digit.sln")))
            {
                return Path.Combine(directory.FullName, MnistFiles.DefaultFolder);
            }
        }
        return MnistFiles.DefaultFolder;
    }
}

[CollectionDefinition(Name)]
public sealed class MnistCollection : ICollectionFixture<MnistFixture>
{
    public const string Name = "MNIST";
}
