using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Digit.LocalServer.Tests.Support;
using Digit.Testing;

namespace Digit.LocalServer.Tests.Api;

/// <summary>The local server's OpenAPI document describes the contract (../shared/contract.md): its routes, with their trailing slashes, and every status code the contract lists for each.</summary>
public sealed partial class OpenApiTests(InProcessLocalServer server) : IClassFixture<InProcessLocalServer>
{
    [Fact]
    public async Task Document_ListsEveryContractRouteWithItsStatusCodes()
    {
        var document = await server.Client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var contract = ContractRoutes().ToArray();

        Assert.True(contract.Length >= 8, $"only {contract.Length} routes were read from the contract");
        var paths = document.GetProperty("paths");
        Assert.All(contract, route =>
        {
            Assert.True(paths.TryGetProperty(route.Path, out var item), $"{route.Path} is not in the OpenAPI document");
            Assert.True(item.TryGetProperty(route.Method.ToLowerInvariant(), out var operation), $"{route.Method} {route.Path} is not in the OpenAPI document");
            var documented = operation.GetProperty("responses").EnumerateObject().Select(response => response.Name).ToHashSet();
            Assert.All(route.Statuses, status => Assert.True(documented.Contains(status), $"{route.Method} {route.Path} does not document {status} (it has {string.Join(", ", documented)})"));
        });
    }

    /// <summary>The rows of the contract's route table: method, path, and every status code the row names.</summary>
    private static IEnumerable<(string Method, string Path, string[] Statuses)> ContractRoutes()
    {
        var contract = Path.GetFullPath(Path.Combine(RepositoryRoot.Find(), "..", "shared", "contract.md"));
        foreach (var line in File.ReadLines(contract))
        {
            var row = RouteRow().Match(line);
            if (row.Success)
            {
                yield return (row.Groups["method"].Value, row.Groups["path"].Value,
                    StatusCode().Matches(row.Groups["rest"].Value).Select(match => match.Value).Distinct().ToArray());
            }
        }
    }

    [GeneratedRegex(@"^\| `(?<method>GET|POST) (?<path>/\S*)` \|(?<rest>.*)$")]
    private static partial Regex RouteRow();

    [GeneratedRegex(@"\b[1-5][0-9]{2}\b")]
    private static partial Regex StatusCode();
}
