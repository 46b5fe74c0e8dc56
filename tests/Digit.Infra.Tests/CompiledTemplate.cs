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

    /// <summary>The full Function App (predicts and trains): the Microsoft.Web/sites resource deployed in every case.</summary>
    public JsonObject FunctionApp { get; private set; } = null!;

    /// <summary>The Function App's app settings: name and value (an ARM expression or a literal).</summary>
    public IReadOnlyList<(string Name, string Value)> AppSettings { get; private set; } = [];

    /// <summary>The predict-only Function App: the Microsoft.Web/sites resource deployed on a condition (apps = two).</summary>
    public JsonObject PredictApp { get; private set; } = null!;

    /// <summary>The predict-only app's app settings.</summary>
    public IReadOnlyList<(string Name, string Value)> PredictAppSettings { get; private set; } = [];

    public async Task InitializeAsync()
    {
        var result = await BicepCli.RunAsync("build", Path.Combine(RepositoryRoot.Find(), "infra", "main.bicep"), "--stdout");
        Assert.True(result.ExitCode == 0, $"bicep build main.bicep exited {result.ExitCode}:\n{result.Error}");
        Main = JsonNode.Parse(result.Output)!.AsObject();
        Module = Resources(Main).Single(resource => (string?)resource["type"] == "Microsoft.Resources/deployments");
        ModuleTemplate = Module["properties"]!["template"]!.AsObject();
        var sites = Resources(ModuleTemplate).Where(resource => (string?)resource["type"] == "Microsoft.Web/sites").ToArray();
        FunctionApp = sites.Single(site => site["condition"] is null);
        PredictApp = sites.Single(site => site["condition"] is not null);
        AppSettings = SettingsOf(FunctionApp);
        PredictAppSettings = SettingsOf(PredictApp);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>
    /// A site's app settings. Bicep compiles a list built from the settings both apps share and each app's own into one
    /// expression, <c>[concat(createArray(createObject('name', 'X', 'value', …), …), createArray(…))]</c>: each
    /// createObject is read back into a name and a value (as an expression of its own, or a literal).
    /// </summary>
    private static IReadOnlyList<(string Name, string Value)> SettingsOf(JsonObject site)
    {
        var settings = site["properties"]!["siteConfig"]!["appSettings"]!;
        if (settings is JsonArray list)
        {
            return list.Select(setting => ((string)setting!["name"]!, (string)setting["value"]!)).ToArray();
        }
        var expression = (string)settings!;
        var found = new List<(string, string)>();
        for (var at = expression.IndexOf(CreateObjectCall, StringComparison.Ordinal); at >= 0; at = expression.IndexOf(CreateObjectCall, at + 1, StringComparison.Ordinal))
        {
            var arguments = Arguments(expression, at + CreateObjectCall.Length);
            Assert.True(arguments.Count == 4 && arguments[0] == "'name'" && arguments[2] == "'value'", $"An app setting that is not createObject('name', …, 'value', …): {expression[at..]}");
            found.Add((Unquote(arguments[1]), arguments[3].StartsWith('\'') ? Unquote(arguments[3]) : $"[{arguments[3]}]"));
        }
        Assert.True(found.Count > 0, $"No app settings found in {expression}");
        return found;
    }

    private const string CreateObjectCall = "createObject(";

    /// <summary>The top-level arguments of the call whose argument list starts at <paramref name="start"/>, as written.</summary>
    private static List<string> Arguments(string expression, int start)
    {
        var arguments = new List<string>();
        var depth = 0;
        var from = start;
        for (var at = start; at < expression.Length; at++)
        {
            switch (expression[at])
            {
                case '\'':
                    // A string: '' inside it is a quote.
                    at++;
                    while (!(expression[at] == '\'' && (at + 1 >= expression.Length || expression[at + 1] != '\'')))
                    {
                        at += expression[at] == '\'' ? 2 : 1;
                    }
                    break;
                case '(':
                    depth++;
                    break;
                case ',' when depth == 0:
                    arguments.Add(expression[from..at].Trim());
                    from = at + 1;
                    break;
                case ')' when depth == 0:
                    arguments.Add(expression[from..at].Trim());
                    return arguments;
                case ')':
                    depth--;
                    break;
            }
        }
        throw new InvalidOperationException($"Unbalanced call in {expression}");
    }

    private static string Unquote(string literal) => literal[1..^1].Replace("''", "'", StringComparison.Ordinal);

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
