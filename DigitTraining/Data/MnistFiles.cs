using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Digit.Training.Data;

/// <summary>
/// Reads the four original MNIST IDX files from a folder and checks them: MD5 against the published
/// values, magic numbers, dimensions and lengths. Every failure names the file and the command that
/// fetches the data.
/// </summary>
public static class MnistFiles
{
    /// <summary>Where the files are looked for when nothing else is said.</summary>
    public const string DefaultFolder = "data/mnist";

    /// <summary>The environment variable that overrides <see cref="DefaultFolder"/>.</summary>
    public const string FolderVariable = "MNIST_PATH";

    /// <summary>The command that downloads and verifies the files.</summary>
    public const string FetchCommand = "scripts/fetch-mnist.sh";

    private const int ImagesMagic = 2051;
    private const int LabelsMagic = 2049;

    internal static readonly IReadOnlyList<MnistFile> All =
    [
        new("train-images-idx3-ubyte", "6bbc9ace898e44ae57da46a324031adb", 60_000, IsImages: true),
        new("train-labels-idx1-ubyte", "a25bea736e30d166cdddb491f175f624", 60_000, IsImages: false),
        new("t10k-images-idx3-ubyte", "2646ac647ad5339dbf082846283269ea", 10_000, IsImages: true),
        new("t10k-labels-idx1-ubyte", "27ae3e4e09519cfbb04c329615203637", 10_000, IsImages: false),
    ];

    /// <summary>The folder named by MNIST_PATH, or data/mnist.</summary>
    public static string ResolveFolder(string? folder = null)
    {
        if (!string.IsNullOrWhiteSpace(folder))
        {
            return folder;
        }
        var fromEnvironment = Environment.GetEnvironmentVariable(FolderVariable);
        return string.IsNullOrWhiteSpace(fromEnvironment) ? DefaultFolder : fromEnvironment;
    }

    /// <summary>Loads and checks both sets from <paramref name="folder"/>.</summary>
    public static MnistData Load(string folder, CancellationToken cancellationToken = default)
    {
        return new MnistData(
            LoadSet(folder, All[0], All[1], cancellationToken),
            LoadSet(folder, All[2], All[3], cancellationToken));
    }

    /// <summary>Loads and checks only the 10,000 test images.</summary>
    public static MnistSet LoadTest(string folder, CancellationToken cancellationToken = default) =>
        LoadSet(folder, All[2], All[3], cancellationToken);

    /// <summary>Loads and checks only the 60,000 training images.</summary>
    public static MnistSet LoadTrain(string folder, CancellationToken cancellationToken = default) =>
        LoadSet(folder, All[0], All[1], cancellationToken);

    private static MnistSet LoadSet(string folder, MnistFile images, MnistFile labels, CancellationToken cancellationToken)
    {
        var pixels = ReadImages(Path.Combine(folder, images.Name), images, cancellationToken);
        var labelBytes = ReadLabels(Path.Combine(folder, labels.Name), labels, cancellationToken);
        return new MnistSet(pixels, labelBytes);
    }

    private static byte[] ReadImages(string path, MnistFile expected, CancellationToken cancellationToken)
    {
        var bytes = ReadVerified(path, expected, cancellationToken);
        var header = CheckHeader(path, bytes, ImagesMagic, headerLength: 16);
        var count = BinaryPrimitives.ReadInt32BigEndian(header[4..]);
        var rows = BinaryPrimitives.ReadInt32BigEndian(header[8..]);
        var columns = BinaryPrimitives.ReadInt32BigEndian(header[12..]);
        if (count != expected.Count || rows != MnistSet.ImageSide || columns != MnistSet.ImageSide)
        {
            throw Problem(path, $"it holds {count} images of {rows}x{columns}; expected {expected.Count} of 28x28");
        }
        CheckLength(path, bytes, 16L + (long)count * MnistSet.ImageSize);
        return bytes[16..];
    }

    private static byte[] ReadLabels(string path, MnistFile expected, CancellationToken cancellationToken)
    {
        var bytes = ReadVerified(path, expected, cancellationToken);
        var header = CheckHeader(path, bytes, LabelsMagic, headerLength: 8);
        var count = BinaryPrimitives.ReadInt32BigEndian(header[4..]);
        if (count != expected.Count)
        {
            throw Problem(path, $"it holds {count} labels; expected {expected.Count}");
        }
        CheckLength(path, bytes, 8L + count);
        var labels = bytes[8..];
        if (labels.Any(label => label > 9))
        {
            throw Problem(path, "it holds a label outside 0..9");
        }
        return labels;
    }

    private static byte[] ReadVerified(string path, MnistFile expected, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            throw Problem(path, "the file is missing");
        }
        cancellationToken.ThrowIfCancellationRequested();
        var bytes = File.ReadAllBytes(path);
        var md5 = Convert.ToHexStringLower(MD5.HashData(bytes));
        if (md5 != expected.Md5)
        {
            throw Problem(path, $"its MD5 is {md5} ({bytes.Length} bytes); the original file's is {expected.Md5}");
        }
        return bytes;
    }

    private static ReadOnlySpan<byte> CheckHeader(string path, byte[] bytes, int magic, int headerLength)
    {
        if (bytes.Length < headerLength)
        {
            throw Problem(path, $"it is {bytes.Length} bytes, shorter than its {headerLength}-byte header");
        }
        var found = BinaryPrimitives.ReadInt32BigEndian(bytes);
        if (found != magic)
        {
            throw Problem(path, $"its magic number is {found}; expected {magic}");
        }
        return bytes.AsSpan(0, headerLength);
    }

    private static void CheckLength(string path, byte[] bytes, long expectedLength)
    {
        if (bytes.Length != expectedLength)
        {
            throw Problem(path, $"it is {bytes.Length} bytes; its header needs exactly {expectedLength}");
        }
    }

    private static MnistDataException Problem(string path, string what) =>
        new($"MNIST file {Path.GetFullPath(path)} is unusable: {what}. " +
            $"Run `{FetchCommand}` (from the repository root; set {FolderVariable} to use another folder) to fetch and verify the data.");
}

/// <summary>One of the four IDX files: its name, the MD5 of the original, and how many items it holds.</summary>
public sealed record MnistFile(string Name, string Md5, int Count, bool IsImages);
