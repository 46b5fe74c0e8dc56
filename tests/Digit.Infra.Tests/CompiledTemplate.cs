using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Digit.Testing;

namespace Digit.Infra.Tests;

/// <summary>
/// infra/main.bicep compiled to an ARM template once, and the parts the settings tests read: main's parameters, the
/// resources module's deployment and template, and the Function App in it.
/// </summary>
public sealed partial class CompiledTemplate : IAsyncLifetime
{
    public JsonObject Main { get; private set; } = null!;

    /// <summary>The Microsoft.Resources/deployments resource that runs resources.bicep.</summary>
    public JsonObject Module { get; private set; } = null!;

    /// <summary>resources.bicep, compiled into <see cref="Module"/>.</summary>
    public JsonObject ModuleTemplate { get; private set; } = null!;

    /// <summary>The Microsoft.Web/sites resource.</summary>
    public JsonObject FunctionApp { get; private set; } = null!;

    /// <summary>The Function App's app settings: name and value (an ARM expression or a literal).</summary>
    public IReadOnlyList<(string Name, string Value)> AppSettings { get; private set; } = [];

    public async Task InitializeAsync()
    {
        var result = await BicepCli.RunAsync("build", Path.Combine(RepositoryRoot.Find(), "infra", "main.bicep"), "--stdout");
        Assert.True(result.ExitCode == 0, $"bicep build main.bicep exited {result.ExitCode}:\n{result.Error}");
        Main = JsonNode.Parse(result.Output)!.AsObject();
        Module = Resources(Main).Single(resource => (string?)resource["type"] == "Microsoft.Resources/deployments");
        ModuleTemplate = Module["properties"]!["template"]!.AsObject();
        FunctionApp = Resources(ModuleTemplate).Single(resource => (string?)resource["type"] == "Microsoft.Web/sites");
        AppSettings = FunctionApp["properties"]!["siteConfig"]!["appSettings"]!.AsArray()
            .Select(setting => ((string)setting!["name"]!, (string)setting["value"]!))
            .ToArray();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>The value of app setting <paramref name="name"/>, or null when the template does not set it.</summary>
    public string? AppSetting(string name) => AppSettings.SingleOrDefault(setting => setting.Name == name).Value;

    /// <summary>
    /// The main.bicep parameter that an expression of the module's template stands for: <c>[parameters('x')]</c> or
    /// <c>[parameters('settings').NAME]</c> in the module, which main.bicep fills with <c>[parameters('p')]</c> or
    /// <c>[string(parameters('p'))]</c>. Null for anything else (a resource property, a literal).
    /// </summary>
    public string? MainParameterBehind(string moduleExpression)
    {
        var inModule = ModuleParameter().Match(moduleExpression);
        if (!inModule.Success)
        {
            return null;
        }
        var passed = Module["properties"]!["parameters"]![inModule.Groups["name"].Value]?["value"];
        if (inModule.Groups["key"].Success)
        {
            passed = passed?[inModule.Groups["key"].Value];
        }
        var inMain = passed is JsonValue value && value.TryGetValue<string>(out var text) ? MainParameter().Match(text) : Match.Empty;
        return inMain.Success ? inMain.Groups["name"].Value : null;
    }

    /// <summary>A template's resources, whether it lists them (language version 1) or names them (2.0).</summary>
    public static IEnumerable<JsonObject> Resources(JsonObject template) => template["resources"] switch
    {
        JsonArray list => list.Select(resource => resource!.AsObject()),
        JsonObject named => named.Select(pair => pair.Value!.AsObject()),
        _ => [],
    };

    [GeneratedRegex(@"^\[parameters\('(?<name>\w+)'\)(\.(?<key>\w+))?\]$")]
    private static partial Regex ModuleParameter();

    [GeneratedRegex(@"^\[(string\()?parameters\('(?<name>\w+)'\)\)?\]$")]
    private static partial Regex MainParameter();
}
