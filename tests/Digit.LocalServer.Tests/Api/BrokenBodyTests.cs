using System.Text.Json;
using Digit.LocalServer.Tests.Support;

namespace Digit.LocalServer.Tests.Api;

/// <summary>
/// Bodies that Kestrel itself refuses while the drawing route reads them, sent over a raw socket to the real
/// server: each is answered with Kestrel's own status as ProblemDetails, never a 500, and none is logged as an
/// unhandled exception or at error level.
/// </summary>
public sealed class BrokenBodyTests(InProcessLocalServer server) : IClassFixture<InProcessLocalServer>
{
    private const string Drawing = "/api/drawing/";
    private static readonly TimeSpan ResponseTimeout = TimeSpan.FromSeconds(30);
    private readonly InProcessLocalServer _server = server;

    public static TheoryData<string, string> BrokenChunks => new()
    {
        { "a chunk size that overflows", "fffffffffffffffff\r\n" },
        { "a chunk size of 2^63", "8000000000000000\r\n" },
        { "a chunk size that is not hex", "zz\r\n{}" },
        { "a chunk without its CRLF", "2\r\n{}XX0\r\n\r\n" },
        { "a chunk extension with a bare LF", "2;ext\n{}\r\n0\r\n\r\n" },
    };

    [Theory]
    [MemberData(nameof(BrokenChunks))]
    public async Task PostDrawing_BrokenChunkedBody_Answers400ProblemDetails(string name, string chunks)
    {
        var response = await ExchangeAsync(RawHttp.Head(Drawing, "Transfer-Encoding: chunked") + chunks, endSending: false);

        AssertProblem(400, response, name);
    }

    [Fact]
    public async Task PostDrawing_StalledBodies_Answer408ProblemDetailsAndLogNoError()
    {
        // Kestrel's minimum request body rate (240 bytes/s after a 5 s grace) ends each of these with a 408.
        var linesBefore = _server.Output.Length;
        var stalled = Enumerable.Range(0, 3).Select(async _ =>
        {
            await using var connection = await RawHttp.ConnectAsync(_server.BaseAddress);
            await connection.SendAsync(RawHttp.Head(Drawing, "Content-Length: 100000") + "{\"drawing\":\"");
            return await connection.ReadResponseAsync(ResponseTimeout);
        }).ToArray();

        var responses = await Task.WhenAll(stalled);

        Assert.All(responses, response => AssertProblem(408, response, "a stalled body"));
        AssertNoErrorLogged(_server.Output[linesBefore..]);
    }

    [Fact]
    public async Task PostDrawing_BrokenBodies_LogNoErrorAndNoUnhandledException()
    {
        var linesBefore = _server.Output.Length;

        foreach (var (_, chunks) in BrokenChunks.Select(row => ((string)row[0], (string)row[1])))
        {
            await ExchangeAsync(RawHttp.Head(Drawing, "Transfer-Encoding: chunked") + chunks, endSending: false);
        }
        // Bodies cut short by the client's FIN: Kestrel closes such a connection, so no answer can be read; what is
        // left to check is how the server logs them.
        await ExchangeAsync(RawHttp.Head(Drawing, "Content-Length: 100") + "{\"drawing\":\"", endSending: true);
        await ExchangeAsync(RawHttp.Head(Drawing, "Transfer-Encoding: chunked") + "40\r\n{\"drawing\":\"", endSending: true);
        using var health = await _server.Client.GetAsync("/");

        Assert.True(health.IsSuccessStatusCode);
        AssertNoErrorLogged(_server.Output[linesBefore..]);
    }

    private async Task<RawResponse> ExchangeAsync(string request, bool endSending)
    {
        await using var connection = await RawHttp.ConnectAsync(_server.BaseAddress);
        await connection.SendAsync(request);
        if (endSending)
        {
            connection.EndSending();
        }
        return await connection.ReadResponseAsync(ResponseTimeout);
    }

    private void AssertProblem(int status, RawResponse response, string name)
    {
        Assert.True(response.Status == status, $"{name}: expected {status}, got:\n{response.Text}\nServer log:\n{_server.Output}");
        Assert.Equal("application/problem+json", response.Headers.GetValueOrDefault("content-type"));
        using var problem = JsonDocument.Parse(response.Body);
        Assert.Equal(status, problem.RootElement.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.RootElement.GetProperty("detail").GetString()), name);
        Assert.Equal(problem.RootElement.GetProperty("title").GetString(), problem.RootElement.GetProperty("error").GetString());
    }

    private static void AssertNoErrorLogged(string log)
    {
        var bad = log.Split(Environment.NewLine)
            .Where(line => line.StartsWith("Error", StringComparison.Ordinal) || line.StartsWith("Critical", StringComparison.Ordinal)
                || line.Contains("unhandled exception", StringComparison.OrdinalIgnoreCase))
            .ToArray();
        Assert.True(bad.Length == 0, $"{bad.Length} error lines, first: {bad.FirstOrDefault()}");
    }
}
