using Digit.Backend.Api;
using Digit.Backend.Tests.Hosting;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Digit.Backend.Tests.Api;

/// <summary>The JSON options both hosts answer with: the prediction routes' answers are serialized by build-time code.</summary>
public sealed class ApiJsonContextTests
{
    [Theory]
    [InlineData(typeof(HealthResponse))]
    [InlineData(typeof(PredictionResponse))]
    [InlineData(typeof(AccuracyResponse))]
    public void JsonOptions_PredictionAnswers_AreSerializedByBuildTimeCode(Type answer)
    {
        using var provider = DigitServices.Provider([]);
        var json = provider.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;

        Assert.Same(ApiJsonContext.Default, json.GetTypeInfo(answer).OriginatingResolver);
    }

    [Fact]
    public void JsonOptions_OtherAnswers_FallBackToReflection()
    {
        using var provider = DigitServices.Provider([]);
        var json = provider.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;

        var typeInfo = json.GetTypeInfo(typeof(MessageResponse));

        Assert.NotSame(ApiJsonContext.Default, typeInfo.OriginatingResolver);
        Assert.Equal("{\"message\":\"hi\"}", System.Text.Json.JsonSerializer.Serialize(new MessageResponse("hi"), json));
    }
}
