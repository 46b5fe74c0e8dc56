namespace Digit.Backend.Hosting;

/// <summary>
/// The folder relative settings (MODEL_DIR, SHIPPED_MODEL, MNIST_PATH) are resolved against, whatever the
/// working directory: the repository root when the app runs from a build inside a checkout (found by walking up
/// from the app's folder to <c>Digit.sln</c>), otherwise the app's own folder, where a published app carries
/// <c>models/</c> and <c>data/mnist/</c>.
/// </summary>
public sealed class ContentRoot
{
    /// <summary>The file that marks the repository root.</summary>
    public const string RepositoryMarker = "Digit.sln";

    /// <summary>A content root at <paramref name="path"/> (made absolute).</summary>
    public ContentRoot(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = System.IO.Path.GetFullPath(path);
    }

    /// <summary>The absolute path of the folder.</summary>
    public string Path { get; }

    /// <summary>The content root of the running app, following the rule above.</summary>
    public static ContentRoot ForApp() => new(Find(AppContext.BaseDirectory));

    /// <summary>The repository root above <paramref name="appFolder"/>, or the folder itself when it is not inside one.</summary>
    public static string Find(string appFolder)
    {
        for (var folder = new DirectoryInfo(appFolder); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(folder.FullName, RepositoryMarker)))
            {
                return folder.FullName;
            }
        }
        return appFolder;
    }

    /// <summary><paramref name="path"/> itself when absolute, else the path under this root.</summary>
    public string Resolve(string path) => System.IO.Path.GetFullPath(path, Path);
}
