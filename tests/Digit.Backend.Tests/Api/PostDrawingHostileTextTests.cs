using System.Text;
using Digit.Backend.Api;
using System.Diagnostics.Metrics;
using Digit.Inference.Prediction;
using Digit.Inference.Telemetry;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Digit.Backend.Tests.Api;

/// <summary>
/// Bodies that are JSON but hold text that is not text: invalid UTF-8 bytes, or escapes of a lone surrogate,
/// in the drawing, in a member's name or in another member. Each is the client's fault: 400 ProblemDetails
/// (or the drawing is used), never an exception out of the handler.
/// </summary>
public sealed class PostDrawingHostileTextTests
{
    private const string ValidDataUrl = "data:image/png;base64,iVBORw0KGgo=";

    public static TheoryData<string, byte[]> HostileBodies => new()
    {
        { "invalid UTF-8 as the drawing", [.. "{\"drawing\":\""u8, 0xFF, 0xFE, .. "\"}"u8] },
        { "an overlong UTF-8 sequence in the drawing", [.. "{\"drawing\":\"data:"u8, 0xC0, 0xAF, .. "\"}"u8] },
        { "a UTF-8-encoded surrogate in the drawing", [.. "{\"drawing\":\""u8, 0xED, 0xA0, 0x80, .. "\"}"u8] },
        { "a lone high surrogate escape as the drawing", Ascii("{\"drawing\":\"\\ud800\"}") },
        { "a lone low surrogate escape after text", Ascii("{\"drawing\":\"abc\\udc00\"}") },
        { "a valid data URL followed by a lone surrogate", Ascii($"{{\"drawing\":\"{ValidDataUrl}\\ud800\"}}") },
        { "a surrogate pair in the wrong order", Ascii("{\"drawing\":\"\\udc00\\ud800\"}") },
        { "a lone surrogate escape in a long member name", Ascii("{\"abcdefgh\\ud800\":1,\"drawing\":\"x\"}") },
        { "a lone surrogate escape inside the name drawing", Ascii("{\"draw\\ud800ing\":\"x\"}") },
        { "a lone surrogate in the name of the last member", Ascii($"{{\"drawing\":\"{ValidDataUrl}\",\"\\udc00\\udc00\\udc00\":2}}") },
        { "invalid UTF-8 in a member name", [.. "{\"dr"u8, 0xFF, .. "awing\":\"x\"}"u8] },
        { "invalid UTF-8 in another member", [.. "{\"note\":\""u8, 0xFF, .. "\",\"drawing\":\"x\"}"u8] },
        { "invalid UTF-8 outside any string", [.. "{\"drawing\":"u8, 0xFF, .. "}"u8] },
        { "a UTF-16 body", Encoding.Unicode.GetBytes("{\"drawing\":\"x\"}") },
    };

    [Theory]
    [MemberData(nameof(HostileBodies))]
    public async Task PostDrawing_HostileText_Answers400ProblemDetails(string name, byte[] body)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = HttpMethods.Post;
        context.Request.ContentType = "application/json";
        context.Request.Body = new MemoryStream(body);
        using var models = new ModelProvider();
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var recognizer = new DrawingRecognizer(models, new PredictionMetrics(services.GetRequiredService<IMeterFactory>(), models));

        var result = await PredictionHandlers.PostDrawing(context.Request, recognizer, new DecodeTurns(), NullLoggerFactory.Instance, CancellationToken.None);

        var problem = Assert.IsType<ProblemHttpResult>(result);
        Assert.True(problem.StatusCode == StatusCodes.Status400BadRequest, $"{name}: {problem.StatusCode} {problem.ProblemDetails.Detail}");
        Assert.False(string.IsNullOrWhiteSpace(problem.ProblemDetails.Detail), name);
        Assert.Equal(problem.ProblemDetails.Title, problem.ProblemDetails.Extensions["error"]);
    }

    private static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);
}
