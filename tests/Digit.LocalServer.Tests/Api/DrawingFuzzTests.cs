using System.Net;
using System.Net.Http.Headers;
using Digit.LocalServer.Tests.Support;

namespace Digit.LocalServer.Tests.Api;

/// <summary>
/// 12,000 seeded hostile bodies (<see cref="HostileBodies"/>: damaged images and bombs inside damaged base64, data
/// URLs and JSON) against the real server: none gets a 5xx, none makes the server log an error or an unhandled
/// exception, and the server is healthy afterwards. A failure names the seed and the body's index and damage.
/// </summary>
public sealed class DrawingFuzzTests(InProcessLocalServer server) : IClassFixture<InProcessLocalServer>
{
    private const int Bodies = 12_000;
    private const int Seed = 20261124;
    private readonly InProcessLocalServer _server = server;

    [Fact]
    public async Task PostDrawing_TwelveThousandHostileBodies_NeverAnswers5xxNorLogsAnError()
    {
        var bodies = HostileBodies.Generate(Seed, Bodies);
        var statuses = new int[bodies.Count];
        var logBefore = _server.Output.Length;

        await Parallel.ForAsync(0, bodies.Count, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, cancellationToken) =>
        {
            using var content = new ByteArrayContent(bodies[i].Bytes);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var response = await _server.Client.PostAsync("/api/drawing/", content, cancellationToken);
            statuses[i] = (int)response.StatusCode;
        });

        var unexpected = statuses.Select((status, i) => (status, i)).Where(s => s.status is not (200 or 400 or 413)).ToArray();
        Assert.True(
            unexpected.Length == 0,
            $"{unexpected.Length} bodies (seed {Seed}) got another status; first: #{unexpected.FirstOrDefault().i} ({bodies[unexpected.FirstOrDefault().i].Damage}) → {unexpected.FirstOrDefault().status}");
        var errors = _server.Output[logBefore..].Split(Environment.NewLine)
            .Where(line => line.StartsWith("Error", StringComparison.Ordinal) || line.StartsWith("Critical", StringComparison.Ordinal)
                || line.Contains("unhandled exception", StringComparison.OrdinalIgnoreCase))
            .ToArray();
        Assert.True(errors.Length == 0, $"{errors.Length} error lines logged (seed {Seed}), first: {errors.FirstOrDefault()}");
        Assert.All(new[] { 200, 400, 413 }, status => Assert.Contains(status, statuses));
        using var health = await _server.Client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }
}
