using System.Net;
using System.Text;
using Digit.LocalServer.Tests.Support;
using Digit.Testing;

namespace Digit.LocalServer.Tests.Api;

/// <summary>
/// 10,000 random mutations of valid requests (bit flips, truncation, header edits, JSON damage) never get a
/// 5xx, and the server is still healthy afterwards.
/// </summary>
public sealed class DrawingFuzzTests(InProcessLocalServer server) : IClassFixture<InProcessLocalServer>
{
    private const int Mutations = 10_000;
    private readonly InProcessLocalServer _server = server;

    [Fact]
    public async Task PostDrawing_TenThousandMutatedPayloads_NeverAnswers5xx()
    {
        var seeds = new[]
        {
            PngWriter.Write(new TestCanvas(28, 28).FillRect(12, 4, 4, 20, 255)),
            PngWriter.Write(new TestCanvas(280, 280, grey: 255).DrawSeven(60, 40, 150, 200, 20, 0), PngColorType.Grey),
            BmpWriter.Write(new TestCanvas(28, 28).FillRect(8, 8, 12, 12, 255)),
        };
        var random = new Random(20261124);
        var payloads = Enumerable.Range(0, Mutations).Select(_ => Mutate(seeds[random.Next(seeds.Length)], random)).ToArray();
        var statuses = new int[Mutations];

        await Parallel.ForAsync(0, Mutations, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, cancellationToken) =>
        {
            using var content = new StringContent(payloads[i], Encoding.UTF8, "application/json");
            using var response = await _server.Client.PostAsync("/api/drawing/", content, cancellationToken);
            statuses[i] = (int)response.StatusCode;
        });

        var serverErrors = statuses.Select((status, i) => (status, i)).Where(s => s.status >= 500).ToArray();
        Assert.True(serverErrors.Length == 0, $"{serverErrors.Length} mutations got a 5xx, first: #{serverErrors.FirstOrDefault().i} → {serverErrors.FirstOrDefault().status}");
        Assert.All(statuses, status => Assert.Contains(status, new[] { 200, 400, 413 }));
        Assert.Contains(400, statuses);
        using var health = await _server.Client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    private static string Mutate(byte[] image, Random random)
    {
        var bytes = (byte[])image.Clone();
        switch (random.Next(6))
        {
            case 0: // flip a few bits anywhere
                for (var n = random.Next(1, 8); n > 0; n--)
                {
                    bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                }
                break;
            case 1: // cut the file short
                bytes = bytes[..random.Next(bytes.Length)];
                break;
            case 2: // rewrite header bytes (signature, dimensions, chunk lengths)
                for (var n = random.Next(1, 4); n > 0; n--)
                {
                    bytes[random.Next(Math.Min(40, bytes.Length))] = (byte)random.Next(256);
                }
                break;
            case 3: // random bytes spliced in
                var at = random.Next(bytes.Length);
                var noise = new byte[random.Next(1, 64)];
                random.NextBytes(noise);
                bytes = [.. bytes[..at], .. noise, .. bytes[at..]];
                break;
        }
        var json = "{\"drawing\":\"data:image/png;base64," + Convert.ToBase64String(bytes) + "\"}";
        return random.Next(6) switch
        {
            4 => json[..random.Next(json.Length)], // damaged JSON
            5 => json.Insert(random.Next(json.Length), ((char)random.Next(32, 127)).ToString()), // a stray character
            _ => json,
        };
    }
}
