namespace Digit.Testing;

/// <summary>The repository's root folder, for the tests and the benchmarks alike.</summary>
public static class RepositoryRoot
{
    /// <summary>
    /// The folder holding Digit.sln: looked for upwards from the program's binaries, then from the working directory
    /// (a benchmark built outside the checkout but run inside it).
    /// </summary>
    public static string Find()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var folder = new DirectoryInfo(start); folder is not null; folder = folder.Parent)
            {
                if (File.Exists(Path.Combine(folder.FullName, "Digit.sln")))
                {
                    return folder.FullName;
                }
            }
        }

        throw new InvalidOperationException(
            $"No folder above {AppContext.BaseDirectory} or {Environment.CurrentDirectory} holds Digit.sln: run from inside the Digit repository.");
    }
}
