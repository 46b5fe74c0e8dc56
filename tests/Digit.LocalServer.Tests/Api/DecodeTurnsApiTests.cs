using System.Net;
using Digit.Inference.Prediction;
using Digit.LocalServer.Tests.Support;
using Digit.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Digit.LocalServer.Tests.Api;

/// <summary>Heavy drawings wait for their turn; the frontend's small drawings never wait for them.</summary>
public sealed class DecodeTurnsApiTests(InProcessLocalServer server) : IClassFixture<InProcessLocalServer>
{
    private readonly InProcessLocalServer _server = server;

    [Fact]
    public async Task PostDrawing_WhileTheTurnIsTaken_AnswersSmallDrawingsAndHoldsHeavyOnes()
    {
        var turns = _server.Services.GetRequiredService<DecodeTurns>();
        var held = turns.NewClaim();
        await held.TakeAsync(CancellationToken.None);
        HttpResponseMessage? largeBody = null, largeImage = null;
        try
        {
            // A 400x400 BMP is a body of 640 kB; a 600x600 PNG of one colour is small but has 360,000 pixels.
            var largeBodyTask = _server.Client.PostAsync("/api/drawing/", Drawings.Body(Drawings.DataUrl(BmpWriter.Write(new TestCanvas(400, 400).FillRect(150, 50, 100, 300, 255)))));
            var largeImageTask = _server.Client.PostAsync("/api/drawing/", Drawings.Body(Drawings.DataUrl(PngWriter.Write(new TestCanvas(600, 600).FillRect(250, 100, 100, 400, 255), PngColorType.Grey))));

            using var small = await _server.Client.PostAsync("/api/drawing/", Drawings.Body(Drawings.FrontendDataUrl(MnistFolder.Test, 0)));
            using var smallAgain = await _server.Client.PostAsync("/api/drawing/", Drawings.Body(Drawings.FrontendDataUrl(MnistFolder.Test, 1)));

            Assert.Equal(HttpStatusCode.OK, small.StatusCode);
            Assert.Equal(HttpStatusCode.OK, smallAgain.StatusCode);
            Assert.False(largeBodyTask.IsCompleted, "a large body was answered while the turn was taken");
            Assert.False(largeImageTask.IsCompleted, "a large image was answered while the turn was taken");
            held.Dispose();
            largeBody = await largeBodyTask;
            largeImage = await largeImageTask;
            Assert.Equal(HttpStatusCode.OK, largeBody.StatusCode);
            Assert.Equal(HttpStatusCode.OK, largeImage.StatusCode);
        }
        finally
        {
            held.Dispose();
            largeBody?.Dispose();
            largeImage?.Dispose();
        }
    }
}
