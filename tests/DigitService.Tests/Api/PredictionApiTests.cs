using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Digit.Service.Tests.TestSupport;

namespace Digit.Service.Tests.Api;

/// <summary>The prediction routes of the contract, over a real socket to the real local server.</summary>
public sealed class PredictionApiTests(LocalServerFixture fixture) : IClassFixture<LocalServerFixture>
{
    private readonly LocalServer _server = fixture.Server;

    [Fact]
    public async Task GetRoot_WithShippedModel_IsHealthyAndReady()
    {
        var health = await _server.GetJsonAsync("/");

        Assert.Equal("healthy", health.GetProperty("status").GetString());
        Assert.True(health.GetProperty("ready").GetBoolean());
        Assert.False(string.IsNullOrEmpty(health.GetProperty("model_version").GetString()));
    }

    [Fact]
    public async Task PostDrawing_MnistTestDigitsSentAsTheFrontendSends_PredictsThem()
    {
        var test = MnistFolder.Test;
        var correct = 0;
        const int count = 100;
        for (var i = 0; i < count; i++)
        {
            using var response = await _server.Client.PostAsync("/api/drawing/", Drawings.Body(Drawings.FrontendDataUrl(test, i)));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
            var confidence = answer.GetProperty("confidence").GetDouble();
            Assert.InRange(confidence, 0, 100);
            if (answer.GetProperty("prediction").GetInt32() == test.Labels[i])
            {
                correct++;
            }
        }

        Assert.True(correct >= 97, $"{correct} of {count} MNIST test digits were recognised");
    }

    [Fact]
    public async Task GetModelAccuracy_ShippedModel_IsAFractionOverNinetyNinePercent()
    {
        var accuracy = (await _server.GetJsonAsync("/api/model_accuracy/")).GetProperty("accuracy").GetDouble();

        Assert.InRange(accuracy, 0.99, 1.0);
    }

    [Theory]
    [InlineData("not json at all", "Body is not JSON")]
    [InlineData("", "Body is not JSON")]
    [InlineData("[1,2]", "Body is not JSON")]
    [InlineData("{\"picture\":\"x\"}", "Missing drawing")]
    [InlineData("{\"drawing\":42}", "Missing drawing")]
    [InlineData("{\"drawing\":\"data:image/png;base64,@@@@\"}", "Bad base64")]
    [InlineData("{\"drawing\":\"aGVsbG8gd29ybGQ=\"}", "Not an image")]
    [InlineData("{\"drawing\":\"\"}", "Empty image")]
    public async Task PostDrawing_BadInput_Is400WithItsOwnError(string body, string error)
    {
        using var response = await PostRawAsync(body);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, error);
    }

    [Fact]
    public async Task PostDrawing_TruncatedPng_Is400TruncatedImage()
    {
        var png = PngWriter.Write(new TestCanvas(28, 28).FillRect(10, 5, 6, 18, 255));

        using var response = await _server.Client.PostAsync("/api/drawing/", Drawings.Body(Drawings.DataUrl(png[..(png.Length - 20)])));

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "Truncated image");
    }

    [Fact]
    public async Task PostDrawing_BlankCanvas_Is400EmptyDrawing()
    {
        var png = PngWriter.Write(new TestCanvas(280, 280, grey: 255));

        using var response = await _server.Client.PostAsync("/api/drawing/", Drawings.Body(Drawings.DataUrl(png)));

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "Empty drawing");
    }

    [Fact]
    public async Task PostDrawing_HeaderClaimingHugeImage_Is413()
    {
        var png = PngWriter.Write(100_000, 100_000, PngColorType.Grey, new byte[64]);

        using var response = await _server.Client.PostAsync("/api/drawing/", Drawings.Body(Drawings.DataUrl(png)));

        await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "Image too large");
    }

    [Fact]
    public async Task PostDrawing_BodyOverOneMebibyte_Is413()
    {
        var body = "{\"drawing\":\"" + new string('A', 1_100_000) + "\"}";

        using var response = await PostRawAsync(body);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task PostDrawing_RawCanvasBlackOnWhite_IsRecognised()
    {
        // A 280x280 canvas as a client without the frontend's downscaling would send it: a thick "1".
        var png = PngWriter.Write(new TestCanvas(280, 280, grey: 255).FillRect(130, 40, 24, 200, 0));

        using var response = await _server.Client.PostAsync("/api/drawing/", Drawings.Body(Drawings.DataUrl(png)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("prediction").GetInt32());
    }

    [Fact]
    public async Task Preflight_FromAllowedOrigin_IsAllowed()
    {
        using var response = await PreflightAsync(LocalServer.AllowedOrigin);

        Assert.True(response.IsSuccessStatusCode);
        Assert.Equal(LocalServer.AllowedOrigin, response.Headers.GetValues("Access-Control-Allow-Origin").Single());
    }

    [Fact]
    public async Task Preflight_FromOtherOrigin_GetsNoCorsHeaders()
    {
        using var response = await PreflightAsync("http://evil.example");

        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    private Task<HttpResponseMessage> PostRawAsync(string body) =>
        _server.Client.PostAsync("/api/drawing/", new StringContent(body, Encoding.UTF8, "application/json"));

    private Task<HttpResponseMessage> PreflightAsync(string origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, "/api/drawing/");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "content-type");
        return _server.Client.SendAsync(request);
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string error)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(error, problem.GetProperty("error").GetString());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
    }
}
