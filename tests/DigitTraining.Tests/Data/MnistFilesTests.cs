using System.Buffers.Binary;
using Digit.Training.Data;
using Digit.Training.Tests.TestSupport;

namespace Digit.Training.Tests.Data;

[Collection(MnistCollection.Name)]
public sealed class MnistFilesTests(MnistFixture mnist) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("mnist-test-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Load_OriginalFiles_GivesSixtyAndTenThousandLabelledImages()
    {
        var data = mnist.Data;

        Assert.Equal(60_000, data.Train.Count);
        Assert.Equal(10_000, data.Test.Count);
        Assert.Equal(60_000 * 784, data.Train.Pixels.Length);
        Assert.Equal(7, data.Test.Labels[0]);
        Assert.Equal(5, data.Train.Labels[0]);
    }

    [Fact]
    public void Load_MissingFile_NamesTheFileAndTheFetchCommand()
    {
        var error = Assert.Throws<MnistDataException>(() => MnistFiles.Load(_folder));

        Assert.Contains("train-images-idx3-ubyte", error.Message);
        Assert.Contains("missing", error.Message);
        Assert.Contains(MnistFiles.FetchCommand, error.Message);
    }

    [Fact]
    public void LoadTest_TruncatedFile_SaysItsMd5IsWrong()
    {
        CopyTestFiles();
        var images = Path.Combine(_folder, "t10k-images-idx3-ubyte");
        var bytes = File.ReadAllBytes(images);
        File.WriteAllBytes(images, bytes[..^100]);

        var error = Assert.Throws<MnistDataException>(() => MnistFiles.LoadTest(_folder));

        Assert.Contains("t10k-images-idx3-ubyte", error.Message);
        Assert.Contains("MD5", error.Message);
        Assert.Contains(MnistFiles.FetchCommand, error.Message);
    }

    [Fact]
    public void LoadTest_LabelsInPlaceOfImages_IsRefused()
    {
        CopyTestFiles();
        File.Copy(Path.Combine(_folder, "t10k-labels-idx1-ubyte"), Path.Combine(_folder, "t10k-images-idx3-ubyte"), overwrite: true);

        var error = Assert.Throws<MnistDataException>(() => MnistFiles.LoadTest(_folder));

        Assert.Contains("t10k-images-idx3-ubyte", error.Message);
    }

    [Fact]
    public void MagicNumbers_OfOriginalFiles_AreTheIdxOnes()
    {
        var images = File.ReadAllBytes(Path.Combine(mnist.Folder, "t10k-images-idx3-ubyte"));
        var labels = File.ReadAllBytes(Path.Combine(mnist.Folder, "t10k-labels-idx1-ubyte"));

        Assert.Equal(2051, BinaryPrimitives.ReadInt32BigEndian(images));
        Assert.Equal(2049, BinaryPrimitives.ReadInt32BigEndian(labels));
    }

    private void CopyTestFiles()
    {
        foreach (var name in new[] { "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte" })
        {
            File.Copy(Path.Combine(mnist.Folder, name), Path.Combine(_folder, name));
        }
    }
}
