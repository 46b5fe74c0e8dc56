using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Digit.LocalServer.Tests.Support;

namespace Digit.LocalServer.Tests.Api;

/// <summary>
/// The answers ASP.NET Core writes itself — routing's 404 and 405, host filtering's 400 — have the one problem shape
/// (title, status, detail, error), as the contract's own errors do.
/// </summary>
public sealed class ProblemAnswersTests(InProcessLocalServer server) : IClassFixture<InProcessLocalServer>
{
    [Fact]
    public async Task Get_UnknownRoute_Is404Problem()
    {
        using var response = await server.Client.GetAsync("/api/no_such_route/");

        var problem = await AssertProblemAsync(response, HttpStatusCode.NotFound, "Not found");
        Assert.Contains("/api/no_such_route/", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Get_PostOnlyRoute_Is405ProblemWithAllow()
    {
        using var response = await server.Client.GetAsync("/api/drawing/");

        await AssertProblemAsync(response, HttpStatusCode.MethodNotAllowed, "Method not allowed");
        Assert.Contains("POST", response.Content.Headers.Allow);
    }

    [Fact]
    public async Task Get_HostNotAllowed_Is400ProblemThatNeverEchoesTheHost()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Host = "evil.example";

        using var response = await server.Client.SendAsync(request);

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest, "Host not allowed");
        Assert.DoesNotContain("evil.example", problem.GetRawText());
    }

    private static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string error)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"{(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(error, problem.GetProperty("error").GetString());
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.Equal(error, problem.GetProperty("title").GetString());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()), text);
        return problem;
    }
}
