using System.Text;
using System.Text.Json;
using Digit.Functions.Http;
using Digit.Functions.Tests.TestSupport;
using Digit.Service.Retraining.Local;
using Digit.Service.Tests.TestSupport;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

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
        Directory.Delete(_models, recursive: true);
    }

    [Fact]
    public async Task Health_ColdStart_ServesTheShippedModel()
    {
        var (status, body) = await ExecuteAsync(Functions.Health(NewRequest()));

        Assert.Equal(StatusCodes.Status200OK, status);
        Assert.Equal("healthy", body.GetProperty("status").GetString());
        Assert.True(body.GetProperty("ready").GetBoolean());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("model_version").GetString()));
    }

    [Fact]
    public async Task ModelAccuracy_ColdStart_IsTheShippedModelsAccuracy()
    {
        var (status, body) = await ExecuteAsync(await Functions.ModelAccuracy(NewRequest(), CancellationToken.None));

        Assert.Equal(StatusCodes.Status200OK, status);
        Assert.InRange(body.GetProperty("accuracy").GetDouble(), 0.99, 1.0);
    }

    [Fact]
    public async Task Drawing_FrontendDigits_AreRecognized()
    {
        var correct = 0;
        for (var index = 0; index < 20; index++)
        {
            var request = NewRequest(JsonSerializer.Serialize(new { drawing = Drawings.FrontendDataUrl(MnistFolder.Test, index) }));
            var (status, body) = await ExecuteAsync(await Functions.Drawing(request, CancellationToken.None));

            Assert.Equal(StatusCodes.Status200OK, status);
            correct += body.GetProperty("prediction").GetInt32() == MnistFolder.Test.Labels[index] ? 1 : 0;
        }

        Assert.True(correct >= 19, $"{correct} of 20 digits recognized");
    }

    [Fact]
    public async Task Drawing_NotAnImage_Answers400WithTheError()
    {
        var request = NewRequest("""{"drawing":"data:image/png;base64,bm90IGFuIGltYWdl"}""");

        var (status, body) = await ExecuteAsync(await Functions.Drawing(request, CancellationToken.None));

        Assert.Equal(StatusCodes.Status400BadRequest, status);
        Assert.False(string.IsNullOrEmpty(body.GetProperty("error").GetString()));
    }

    [Fact]
    public void Services_FunctionsApp_DoNotPreloadLibtorch()
    {
        // The local server preloads libtorch so that its first run does not stall; a Functions cold start must not.
        Assert.DoesNotContain(_app.Services.GetServices<IHostedService>(), service => service is TorchPreloader);
        Assert.Contains(_app.Services.GetServices<IHostedService>(), service => service is Digit.Service.Prediction.ModelWatcher);
    }

    private HttpRequest NewRequest(string? json = null)
    {
        var context = new DefaultHttpContext { RequestServices = _app.Services };
        if (json is not null)
        {
            var bytes = Encoding.UTF8.GetBytes(json);
            context.Request.Method = HttpMethods.Post;
            context.Request.ContentType = "application/json";
            context.Request.ContentLength = bytes.Length;
            context.Request.Body = new MemoryStream(bytes);
        }
        return context.Request;
    }

    /// <summary>Runs a trigger's result as the ASP.NET Core integration does, and reads the JSON it wrote.</summary>
    private async Task<(int Status, JsonElement Body)> ExecuteAsync(IResult result)
    {
        var context = new DefaultHttpContext { RequestServices = _app.Services };
        using var body = new MemoryStream();
        context.Response.Body = body;
        await result.ExecuteAsync(context);
        return (context.Response.StatusCode, JsonDocument.Parse(body.ToArray()).RootElement.Clone());
    }
}
