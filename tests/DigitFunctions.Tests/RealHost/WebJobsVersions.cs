using System.Text.Json;

namespace Digit.Functions.Tests.RealHost;

/// <summary>
/// The Microsoft.Azure.WebJobs version a Functions host carries, and the one the app's extensions were built against
/// (the published app's <c>.azurefunctions/function.deps.json</c>). A host older than its extensions aborts every
/// orchestration with a TypeLoadException deep in its log, so the fixture compares the two before it starts the host.
/// </summary>
internal sealed record WebJobsVersions(Version Host, Version Extensions, string DurableExtension)
{
    private const string WebJobs = "Microsoft.Azure.WebJobs";
    private const string DurableTask = "Microsoft.Azure.WebJobs.Extensions.DurableTask";

    /// <summary>Whether the host carries at least the version the extensions need.</summary>
    public bool Compatible => Host >= Extensions;

    /// <summary>Both versions, in one line for a failure message.</summary>
    public override string ToString() =>
        $"the app's extensions ({DurableExtension}) were built against {WebJobs} {Extensions}; the Functions host carries {WebJobs} {Host}";

    /// <summary>Reads both versions from the host's deps file (<see cref="FunctionsHostSelection.HostDepsFile"/>) and a published app folder.</summary>
    public static WebJobsVersions Read(string hostDeps, string publishFolder)
    {
        var appDeps = Path.Combine(publishFolder, ".azurefunctions", "function.deps.json");
        var durable = Libraries(appDeps).FirstOrDefault(library => library.Name == DurableTask);
        return new WebJobsVersions(
            Find(hostDeps, WebJobs),
            Find(appDeps, WebJobs),
            durable.Name is null ? "no Durable extension" : $"{DurableTask} {durable.Version}");
    }

    private static Version Find(string depsFile, string package) =>
        Libraries(depsFile).Where(library => library.Name == package).Select(library => library.Version).FirstOrDefault()
            ?? throw new InvalidOperationException($"{depsFile} names no {package} package.");

    // A deps.json lists each package under its target as "Name/Version".
    private static IEnumerable<(string Name, Version Version)> Libraries(string depsFile)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(depsFile));
        var found = new List<(string, Version)>();
        foreach (var target in document.RootElement.GetProperty("targets").EnumerateObject())
        {
            foreach (var library in target.Value.EnumerateObject())
            {
                var slash = library.Name.IndexOf('/', StringComparison.Ordinal);
                if (slash > 0 && Version.TryParse(library.Name[(slash + 1)..].Split('-')[0], out var version))
                {
                    found.Add((library.Name[..slash], version));
                }
            }
        }
        return found;
    }
}
