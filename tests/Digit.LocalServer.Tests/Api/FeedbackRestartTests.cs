using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Digit.LocalServer.Tests.Support;
using Digit.Testing;

namespace Digit.LocalServer.Tests.Api;

/// <summary>Corrections outlive the server: they live in the model folder, not in the process.</summary>
public sealed class FeedbackRestartTests : IDisposable
{
    private readonly string _modelDirectory = Directory.CreateTempSubdirectory("digit-feedback-restart-").FullName;

    public void Dispose() => Directory.Delete(_modelDirectory, recursive: true);

    [Fact]
    public async Task Corrections_AfterARestartOverTheSameModelFolder_AreAllThere()
    {
        var settings = new Dictionary<string, string?> { ["MODEL_DIR"] = _modelDirectory };
        var test = MnistFolder.Test;
        var sent = new Dictionary<string, int>();
        var first = await InProcessLocalServer.StartAsync(settings);
        try
        {
            for (var i = 300; i < 312; i++)
            {
                using var response = await first.PostFeedbackAsync(Drawings.FrontendDataUrl(test, i), test.Labels[i]);
                Assert.Equal(HttpStatusCode.Created, response.StatusCode);
                sent[(await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!] = test.Labels[i];
            }
        }
        finally
        {
            await first.DisposeAsync();
        }

        var second = await InProcessLocalServer.StartAsync(settings);
        try
        {
            await AssertAllThereAsync(second, sent);
        }
        finally
        {
            await second.DisposeAsync();
        }
    }

    private static async Task AssertAllThereAsync(InProcessLocalServer second, Dictionary<string, int> sent)
    {
        var test = MnistFolder.Test;

        Assert.Equal(sent.Count, await second.CorrectionCountAsync());
        using var summary = await second.SendAsAdminAsync(HttpMethod.Get, "/api/feedback/");
        var labels = (await summary.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("labels");
        for (var digit = 0; digit < 10; digit++)
        {
            Assert.Equal(sent.Values.Count(label => label == digit), labels.GetProperty(digit.ToString(System.Globalization.CultureInfo.InvariantCulture)).GetInt32());
        }
        // The same drawing after the restart is known: 200 with its old id.
        using var again = await second.PostFeedbackAsync(Drawings.FrontendDataUrl(test, 300), test.Labels[300]);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Contains((await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!, sent.Keys);
    }
}
