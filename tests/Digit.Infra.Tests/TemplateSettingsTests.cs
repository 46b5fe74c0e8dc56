using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Digit.Backend.Hosting;

namespace Digit.Infra.Tests;

/// <summary>
/// The template and the code cannot drift apart: every setting the app reads (its options types, read at test time,
/// plus what only the Functions host reads) is set by the template or listed below as deliberately not set, every
/// setting the template sets is one something reads, and every setting taken from a parameter defaults to the code's
/// default.
/// </summary>
public sealed class TemplateSettingsTests(CompiledTemplate template) : IClassFixture<CompiledTemplate>
{
    /// <summary>Settings that the Functions host reads, not the app's settings binder.</summary>
    private static readonly string[] FunctionsOnly = ["AzureWebJobsStorage", "FUNCTIONS_WORKER_RUNTIME", "AzureWebJobsDisableHomepage"];

    /// <summary>Settings the template leaves unset on purpose, and why.</summary>
    private static readonly Dictionary<string, string> NotSet = new()
    {
        // Models live in Blob storage (MODEL_STORAGE), so the folder store is never made.
        ["MODEL_DIR"] = "unused while MODEL_STORAGE is set",
        // The package ships models/digits.onnx where the default points; it seeds an empty store.
        ["SHIPPED_MODEL"] = "the default is the shipped model's place in the package",
        // The bearer token guards the model routes of the local server only; on Functions they take a function key.
        ["ADMIN_TOKEN"] = "local server only",
        // The Flex Consumption plan refuses it: functionAppConfig.runtime names the worker (checked below).
        ["FUNCTIONS_WORKER_RUNTIME"] = "set as functionAppConfig.runtime",
        // Azure sets the app's own host name; the built-in page's origin rule reads it.
        ["WEBSITE_HOSTNAME"] = "set by the platform",
    };

    /// <summary>Settings the template sets from the resources it makes, not from a parameter.</summary>
    private static readonly Dictionary<string, string> FromResources = new()
    {
        ["REDIS_URL"] = "the Azure Managed Redis database: host, port and access key",
        ["MODEL_STORAGE"] = "the storage account's blob endpoint, reached with the managed identity",
        ["AzureWebJobsStorage"] = "identity-based: __accountName, __credential and __clientId",
        ["AzureWebJobsDisableHomepage"] = "always true: GET / must reach the Health function",
    };

    /// <summary>Settings only the predict-only app reads (DigitFunctions published with -p:DigitApp=Predict).</summary>
    private static readonly Dictionary<string, string> ReadByPredictApp = new()
    {
        ["TRAINING_APP_URL"] = "the full app's URL, named in the 503 answer to retrain and stop requests",
    };

    /// <summary>Settings the full app reads for training only, which the predict-only app is not given.</summary>
    private static readonly string[] TrainingOnly =
        ["MNIST_PATH", "TRAINING_RECIPE", "TRAINING_EPOCHS", "TRAINING_BATCH_SIZE", "TRAINING_AUGMENT", "TRAINING_SEED", "TRAINING_THREADS", "TRAINING_SAMPLES", "PUBLISH_MAX_ACCURACY_DROP"];

    /// <summary>Settings read by the Azure SDK and the Functions host rather than by the app's settings.</summary>
    private static readonly Dictionary<string, string> ReadByPlatform = new()
    {
        ["APPLICATIONINSIGHTS_CONNECTION_STRING"] = "the Functions host's and worker's telemetry",
        ["AZURE_CLIENT_ID"] = "which managed identity DefaultAzureCredential uses for MODEL_STORAGE",
    };

    /// <summary>Every setting the app reads, from the options types of the backend, and the Functions-only ones.</summary>
    private static IReadOnlyDictionary<string, string?> AppReads()
    {
        var settings = SettingDescription.InAssembly(typeof(DigitServiceCollectionExtensions).Assembly)
            .ToDictionary(setting => setting.Setting.Name, setting => setting.Default);
        foreach (var name in FunctionsOnly)
        {
            settings.Add(name, null);
        }
        return settings;
    }

    /// <summary>Whether the template sets <paramref name="name"/>, itself or as an identity-based connection (NAME__property).</summary>
    private bool TemplateSets(string name) =>
        template.AppSettings.Any(setting => setting.Name == name || setting.Name.StartsWith(name + "__", StringComparison.Ordinal));

    [Fact]
    public void AppReads_FindsTheOptionsTypes()
    {
        // Settings that lost their options types would make every check below pass.
        Assert.Contains("REDIS_URL", AppReads().Keys);
        Assert.Contains("TRAINING_EPOCHS", AppReads().Keys);
    }

    [Fact]
    public void EverySettingTheAppReads_IsSetOrDeliberatelyNotSet()
    {
        var missing = AppReads().Keys.Where(name => !TemplateSets(name) && !NotSet.ContainsKey(name)).ToArray();

        Assert.True(missing.Length == 0,
            $"infra/ does not set {string.Join(", ", missing)}: add a parameter with the code's default in main.bicep and pass it to the app settings, " +
            "or list the setting in TemplateSettingsTests.NotSet with the reason.");
    }

    [Fact]
    public void NotSet_NamesOnlySettingsTheAppReadsAndTheTemplateLeavesAlone()
    {
        var reads = AppReads();

        Assert.All(NotSet.Keys, name => Assert.True(reads.ContainsKey(name), $"{name} is listed as not set, but nothing reads it any more."));
        Assert.All(NotSet.Keys, name => Assert.False(TemplateSets(name), $"{name} is listed as not set, but the template sets it."));
    }

    [Fact]
    public void EverySettingTheTemplateSets_IsReadBySomething()
    {
        var reads = AppReads();
        var unknown = template.AppSettings
            .Select(setting => setting.Name.Split("__")[0])
            .Where(name => !reads.ContainsKey(name) && !ReadByPlatform.ContainsKey(name))
            .ToArray();

        Assert.True(unknown.Length == 0, $"The template sets {string.Join(", ", unknown)}, which nothing reads (a typo, or a setting the code dropped).");
    }

    [Fact]
    public void EverySettingTheTemplateSets_ComesFromAParameterOrAResource()
    {
        var reads = AppReads();
        var unexplained = template.AppSettings
            .Where(setting => reads.ContainsKey(setting.Name.Split("__")[0]))
            .Where(setting => template.MainParameterBehind(setting.Value) is null && !FromResources.ContainsKey(setting.Name.Split("__")[0]))
            .Select(setting => setting.Name)
            .ToArray();

        Assert.True(unexplained.Length == 0,
            $"{string.Join(", ", unexplained)} neither come from a main.bicep parameter nor are listed in TemplateSettingsTests.FromResources.");
    }

    [Fact]
    public void EverySettingFromAParameter_IsThatParametersSettingAndDefaultsToTheCodesDefault()
    {
        var reads = AppReads();
        var parameters = template.Main["parameters"]!.AsObject();
        var checkedSettings = 0;
        foreach (var (name, value) in template.AppSettings)
        {
            if (template.MainParameterBehind(value) is not { } parameterName)
            {
                continue;
            }
            var parameter = parameters[parameterName]!;
            Assert.True((string?)parameter["metadata"]?["appSetting"] == name,
                $"App setting {name} comes from parameter {parameterName}, whose metadata names {(string?)parameter["metadata"]?["appSetting"] ?? "no app setting"}.");
            Assert.True(reads.TryGetValue(name, out var codeDefault), $"{name} comes from parameter {parameterName}, but the app does not read it.");
            var templateDefault = Text(parameter["defaultValue"]);
            Assert.True(string.Equals(templateDefault, codeDefault ?? string.Empty, StringComparison.OrdinalIgnoreCase),
                $"Parameter {parameterName} defaults to '{templateDefault}', the code's {name} to '{codeDefault}'.");
            checkedSettings++;
        }

        // Every parameter that says it is an app setting reaches the app under that name.
        foreach (var (parameterName, parameter) in parameters)
        {
            if ((string?)parameter!["metadata"]?["appSetting"] is { } name)
            {
                Assert.True(template.AppSetting(name) is { } value && template.MainParameterBehind(value) == parameterName,
                    $"Parameter {parameterName} is marked as {name}, but the Function App's {name} does not come from it.");
            }
        }
        Assert.True(checkedSettings >= 10, $"Only {checkedSettings} settings traced to parameters: the template's shape changed under this test.");
    }

    [Fact]
    public void Cors_AndFrontendUrl_ComeFromOneParameter()
    {
        Assert.Equal("frontendUrl", template.MainParameterBehind(template.AppSetting("FRONTEND_URL")!));
        var origins = (string)template.FunctionApp["properties"]!["siteConfig"]!["cors"]!["allowedOrigins"]!;
        var variable = origins.StartsWith("[variables('", StringComparison.Ordinal) ? (string)template.ModuleTemplate["variables"]![origins[12..^3]]! : origins;
        Assert.Contains("parameters('frontendUrl')", variable, StringComparison.Ordinal);
        Assert.DoesNotContain("parameters('", variable.Replace("parameters('frontendUrl')", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public void FunctionApp_RunsDotnetIsolatedOnFlexConsumption()
    {
        var config = template.FunctionApp["properties"]!["functionAppConfig"]!;
        Assert.Equal("dotnet-isolated", (string?)config["runtime"]!["name"]);
        Assert.Equal("10.0", (string?)config["runtime"]!["version"]);
        var plans = CompiledTemplate.Resources(template.ModuleTemplate).Where(resource => (string?)resource["type"] == "Microsoft.Web/serverfarms").ToArray();
        Assert.Equal(2, plans.Length);
        Assert.All(plans, plan => Assert.Equal("FlexConsumption", (string?)plan["sku"]!["tier"]));
        Assert.Equal("functionapp,linux", (string?)template.FunctionApp["kind"]);
        var predict = template.PredictApp["properties"]!["functionAppConfig"]!;
        Assert.Equal("dotnet-isolated", (string?)predict["runtime"]!["name"]);
        Assert.Equal("10.0", (string?)predict["runtime"]!["version"]);
        Assert.Equal("functionapp,linux", (string?)template.PredictApp["kind"]);
    }

    [Fact]
    public void Storage_IsReachedWithTheIdentityOnly()
    {
        Assert.Null(template.AppSetting("AzureWebJobsStorage"));
        Assert.Equal("managedidentity", template.AppSetting("AzureWebJobsStorage__credential"));
        Assert.NotNull(template.AppSetting("AzureWebJobsStorage__accountName"));
        Assert.NotNull(template.AppSetting("AzureWebJobsStorage__clientId"));
        var storage = CompiledTemplate.Resources(template.ModuleTemplate).Single(resource => (string?)resource["type"] == "Microsoft.Storage/storageAccounts");
        Assert.False((bool)storage["properties"]!["allowSharedKeyAccess"]!);
    }

    [Fact]
    public void RedisKey_IsReadOnlyInsideRedisUrl()
    {
        // Once per app: each app's REDIS_URL, and nowhere else.
        var compiled = template.Main.ToJsonString();
        var keyReads = compiled.Split("listKeys(").Length - 1;

        Assert.Equal(2, keyReads);
        Assert.Contains("listKeys(", template.AppSetting("REDIS_URL"), StringComparison.Ordinal);
        Assert.Contains("listKeys(", template.PredictAppSettings.Single(setting => setting.Name == "REDIS_URL").Value, StringComparison.Ordinal);
        Assert.DoesNotContain("listKeys(", (template.Main["outputs"]?.ToJsonString() ?? "") + (template.ModuleTemplate["outputs"]?.ToJsonString() ?? ""), StringComparison.Ordinal);
    }

    [Fact]
    public void PredictApp_SharesTheFullAppsStateAndIsDeployedOnlyForTwoApps()
    {
        var predict = template.PredictAppSettings.ToDictionary(setting => setting.Name, setting => setting.Value);
        var full = template.AppSettings.ToDictionary(setting => setting.Name, setting => setting.Value);

        // The same Redis, model container and storage, reached with the same identity.
        foreach (var shared in new[] { "REDIS_URL", "REDIS_KEY_PREFIX", "MODEL_STORAGE", "MODEL_CONTAINER", "AzureWebJobsStorage__accountName", "AZURE_CLIENT_ID", "FRONTEND_URL", "TRAINING_LEASE_SECONDS" })
        {
            Assert.True(predict.TryGetValue(shared, out var value) && value == full[shared], $"The predict-only app's {shared} is not the full app's.");
        }
        Assert.All(TrainingOnly, name => Assert.False(predict.ContainsKey(name), $"The predict-only app is given {name}, which only training reads."));
        Assert.Contains("defaultHostName", predict["TRAINING_APP_URL"], StringComparison.Ordinal);
        Assert.Contains("parameters('deployPredictApp')", (string)template.PredictApp["condition"]!, StringComparison.Ordinal);
        Assert.Contains("equals(parameters('apps'), 'two')", template.Module["properties"]!["parameters"]!["deployPredictApp"]!["value"]!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void PredictApp_EverySettingItIsGiven_IsReadBySomething()
    {
        var reads = AppReads();
        var unknown = template.PredictAppSettings
            .Select(setting => setting.Name.Split("__")[0])
            .Where(name => !reads.ContainsKey(name) && !ReadByPlatform.ContainsKey(name) && !ReadByPredictApp.ContainsKey(name))
            .ToArray();

        Assert.True(unknown.Length == 0, $"The predict-only app is given {string.Join(", ", unknown)}, which nothing reads.");
    }

    [Fact]
    public void InstanceMemory_IsSizedForEachApp()
    {
        var parameters = template.Main["parameters"]!.AsObject();
        var predictMemory = template.PredictApp["properties"]!["functionAppConfig"]!["scaleAndConcurrency"]!["instanceMemoryMB"]!.ToString();
        var fullMemory = template.FunctionApp["properties"]!["functionAppConfig"]!["scaleAndConcurrency"]!["instanceMemoryMB"]!.ToString();

        Assert.Equal("[parameters('predictInstanceMemoryMB')]", predictMemory);
        Assert.Equal("[parameters('instanceMemoryMB')]", fullMemory);
        Assert.Equal(512, (int)parameters["predictInstanceMemoryMB"]!["defaultValue"]!);
        Assert.Equal(2048, (int)parameters["instanceMemoryMB"]!["defaultValue"]!);
        Assert.Equal("one", (string?)parameters["apps"]!["defaultValue"]);
    }

    [Fact]
    public void AzdParameterFile_KeepsEveryDefault()
    {
        // azd substitutes ${VAR} with an empty string when VAR is unset, which would override a parameter's default:
        // a parameter that has one is given as ${VAR=default}, with the template's own default.
        var file = JsonNode.Parse(File.ReadAllText(Path.Combine(Digit.Testing.RepositoryRoot.Find(), "infra", "main.parameters.json")))!;
        var parameters = template.Main["parameters"]!.AsObject();
        foreach (var (name, entry) in file["parameters"]!.AsObject())
        {
            Assert.True(parameters.ContainsKey(name), $"main.parameters.json sets {name}, which main.bicep does not declare.");
            var value = (string)entry!["value"]!;
            var substitution = System.Text.RegularExpressions.Regex.Match(value, @"^\$\{(?<variable>\w+)(=(?<default>.*))?\}$");
            Assert.True(substitution.Success, $"main.parameters.json gives {name} as '{value}', not as ${{VARIABLE}} or ${{VARIABLE=default}}.");
            if (parameters[name]!["defaultValue"] is { } templateDefault)
            {
                Assert.True(substitution.Groups["default"].Success, $"{name} has a default in main.bicep, but main.parameters.json would replace it with an empty value.");
                Assert.Equal(Text(templateDefault), substitution.Groups["default"].Value);
            }
        }
    }

    /// <summary>A parameter's default as the app would read it from an app setting.</summary>
    private static string Text(JsonNode? value) => value switch
    {
        null => string.Empty,
        JsonValue number when number.GetValueKind() == JsonValueKind.Number => number.GetValue<decimal>().ToString(CultureInfo.InvariantCulture),
        JsonValue other => other.GetValueKind() is JsonValueKind.True or JsonValueKind.False ? other.GetValue<bool>().ToString() : other.GetValue<string>(),
        _ => value.ToJsonString(),
    };
}
