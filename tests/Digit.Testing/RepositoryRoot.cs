namespace Digit.Testing;

public static class RepositoryRoot
{
    /// <summary>The folder holding Digit.sln, found by walking up from the test binaries.</summary>
    public static string Find()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Digit.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"No folder above {AppContext.BaseDirectory} holds Digit.sln.");
    }
}
