using System.Text.Json;
using Digit.Functions.Http;
using Digit.Functions.Tests.TestSupport;
using Digit.Inference.Prediction;
using Digit.Testing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

using static Digit.Functions.Tests.TestSupport.TriggerCalls;

namespace Digit.Functions.Tests.Http;

/// <summary>
/// The prediction triggers on a cold start of the app's own services (real Redis, a model folder seeded with the
/// shipped model): each answers as the contract says through the shared handlers, and nothing loads libtorch.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class PredictionFunctionsTests(RedisServerFixture redis) : IAsyncLifetime
{
    private readonly string _models = Path.Combine(Path.GetTempPath(), $"digit-functions-models-{Guid.NewGuid():N}");
    private IHost _app = null!;

    private PredictionFunctions Functions => ActivatorUtilities.CreateInstance<PredictionFunctions>(_app.Services);

    public async Task InitializeAsync()
    {
        _app = FunctionsApp.Build(new Dictionary<string, string?>
        {
            ["REDIS_URL"] = $"redis://{redis.Configuration}/0",
            ["REDIS_KEY_PREFIX"] = RedisServerFixture.NewKeyPrefix(),
            ["MODEL_DIR"] = _models,
            ["SHIPPED_MODEL"] = Path.Combine(RepositoryRoot.Find(), "models", "digits.onnx"),
        });
        await _app.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _app.StopAsync();
        _app.Dispose();
        if (Directory.Exists(_models))
        {
            Directory.Delete(_models, recursive: true);
        }
    }

    [Fact]
    public async Task Health_ColdStart_ServesTheShippedModel()
    {
        var (status, body) = await ExecuteAsync(_app.Services, Functions.Health(NewRequest(_app.Services)));

        Assert.Equal(StatusCodes.Status200OK, status);
        Assert.Equal("healthy", body.GetProperty("status").GetString());
        Assert.True(body.GetProperty("ready").GetBoolean());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("model_version").GetString()));
    }

    [Fact]
    public async Task ModelAccuracy_ColdStart_IsTheShippedModelsAccuracy()
    {
        var (status, body) = await ExecuteAsync(_app.Services, await Functions.ModelAccuracy(NewRequest(_app.Services), CancellationToken.None));

        Assert.Equal(StatusCodes.Status200OK, status);
        Assert.InRange(body.GetProperty("accuracy").GetDouble(), 0.99, 1.0);
    }

    [Fact]
    public async Task Drawing_FrontendDigits_AreRecognized()
    {
        var correct = 0;
        for (var index = 0; index < 20; index++)
        {
            var request = NewRequest(_app.Services, JsonSerializer.Serialize(new { drawing = Drawings.FrontendDataUrl(MnistFolder.Test, index) }));
            var (status, body) = await ExecuteAsync(_app.Services, await Functions.Drawing(request, CancellationToken.None));

            Assert.Equal(StatusCodes.Status200OK, status);
            correct += body.GetProperty("prediction").GetInt32() == MnistFolder.Test.Labels[index] ? 1 : 0;
        }

        Assert.True(correct >= 19, $"{correct} of 20 digits recognized");
    }

    [Fact]
    public async Task Drawing_NotAnImage_Answers400WithTheError()
    {
        var request = NewRequest(_app.Services, """{"drawing":"data:image/png;base64,bm90IGFuIGltYWdl"}""");

        var (status, body) = await ExecuteAsync(_app.Services, await Functions.Drawing(request, CancellationToken.None));

        Assert.Equal(StatusCodes.Status400BadRequest, status);
        Assert.False(string.IsNullOrEmpty(body.GetProperty("error").GetString()));
    }

    [Fact]
    public void Services_FunctionsApp_StartNothingThatLoadsLibtorch()
    {
        // The local server preloads libtorch so that its first run does not stall; a Functions cold start must not.
        // A hosted service built when it starts names its service as its type argument.
        var names = _app.Services.GetServices<IHostedService>()
            .Select(service => service.GetType())
            .Select(type => type.IsGenericType ? type.GetGenericArguments()[0].Name : type.Name)
            .ToArray();
        Assert.All(names, name => Assert.DoesNotContain("Torch", name));
        Assert.Contains(nameof(ModelWatcher), names);
    }
}
