using Digit.Testing;
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
        Folder = MnistFolder.Resolve();
        Data = MnistFiles.Load(Folder);
    }

    public string Folder { get; }

    public MnistData Data { get; }
}

[CollectionDefinition(Name)]
public sealed class MnistCollection : ICollectionFixture<MnistFixture>
{
    public const string Name = "MNIST";
}
