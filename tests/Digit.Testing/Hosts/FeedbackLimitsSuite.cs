using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Digit.Testing.Hosts;

/// <summary>
/// The limits of POST /api/feedback/ on a host with a small cap and a slow rate (<see cref="Settings"/>): the cap
/// refuses new corrections and never drops stored ones; the rate is per client address. Run against every host.
/// Each test sends from its own loopback address, so the tests do not share a rate bucket.
/// </summary>
public abstract class FeedbackLimitsSuite(DigitHost host)
{
    /// <summary>Corrections the host keeps.</summary>
    public const int Cap = 3;

    /// <summary>Corrections one client may send at once.</summary>
    public const int Burst = 8;

    /// <summary>The settings of the host under test, on top of the usual test settings.</summary>
    public static IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["FEEDBACK_MAX"] = Cap.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["FEEDBACK_RATE_PER_MINUTE"] = "1",
        ["FEEDBACK_BURST"] = Burst.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    protected DigitHost Host { get; } = host;

    [Fact]
    public async Task PostFeedback_AtTheCap_NewIs409RepeatIs200AndADeleteMakesRoom()
    {
        using var client = Host.NewClientFrom("127.0.0.5");
        var test = MnistFolder.Test;
        var ids = new List<string>();
        for (var i = 0; i < Cap; i++)
        {
            using var stored = await Host.PostFeedbackAsync(Drawings.FrontendDataUrl(test, 200 + i), test.Labels[200 + i], client);
            Assert.Equal(HttpStatusCode.Created, stored.StatusCode);
            ids.Add((await stored.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!);
        }

        using var refused = await Host.PostFeedbackAsync(Drawings.FrontendDataUrl(test, 210), test.Labels[210], client);
        using var repeat = await Host.PostFeedbackAsync(Drawings.FrontendDataUrl(test, 200), test.Labels[200], client);

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Corrections store full", problem.GetProperty("error").GetString());
        Assert.Contains("DELETE /api/feedback/", problem.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.OK, repeat.StatusCode);
        Assert.Equal(ids[0], (await repeat.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString());
        Assert.Equal(Cap, await Host.CorrectionCountAsync());

        using var deleted = await Host.SendAsAdminAsync(HttpMethod.Delete, $"/api/feedback/{ids[1]}");
        using var roomMade = await Host.PostFeedbackAsync(Drawings.FrontendDataUrl(test, 210), test.Labels[210], client);

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.Created, roomMade.StatusCode);
        Assert.Equal(Cap, await Host.CorrectionCountAsync());
    }

    [Fact]
    public async Task PostFeedback_PastTheRate_Is429WithRetryAfterAndOtherClientsGoOn()
    {
        using var eager = Host.NewClientFrom("127.0.0.3");
        using var other = Host.NewClientFrom("127.0.0.4");
        var drawing = Drawings.FrontendDataUrl(MnistFolder.Test, 220);
        // Refused corrections count too: each request takes a token before anything is read.
        for (var i = 0; i < Burst; i++)
        {
            using var allowed = await Host.PostFeedbackAsync(drawing, 42, eager);
            Assert.Equal(HttpStatusCode.BadRequest, allowed.StatusCode);
        }

        using var limited = await Host.PostFeedbackAsync(drawing, 42, eager);
        using var otherClient = await Host.PostFeedbackAsync(drawing, 42, other);

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal("application/problem+json", limited.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Too many requests", (await limited.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
        var retryAfter = limited.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value.TotalSeconds, 1, 60);
        Assert.Equal(HttpStatusCode.BadRequest, otherClient.StatusCode);
    }
}
