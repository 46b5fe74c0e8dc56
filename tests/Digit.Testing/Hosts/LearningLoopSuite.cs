using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Digit.Training.Data;
using Xunit.Abstractions;

namespace Digit.Testing.Hosts;

/// <summary>
/// The learning loop as people use it, on a host that trains as a default "Train model" does (all of MNIST, the
/// default recipe, the publish rule on): corrections in, a retrain, and what the served model then reads.
/// </summary>
public abstract class LearningLoopSuite(DigitHost host, ITestOutputHelper output) : IAsyncLifetime
{
    // Each test removes the corrections it sent, so that the other trains on its own alone.
    private readonly List<string> _sent = [];

    /// <summary>The settings that make a test host train as a default run does, and take corrections as fast as tests send them.</summary>
    public static IReadOnlyDictionary<string, string?> DefaultTraining => new Dictionary<string, string?>
    {
        ["TRAINING_SAMPLES"] = null,
        ["TRAINING_EPOCHS"] = null,
        ["PUBLISH_MAX_ACCURACY_DROP"] = null,
        ["FEEDBACK_RATE_PER_MINUTE"] = "1000000",
        ["FEEDBACK_BURST"] = "1000000",
    };

    private static MnistSet Test => MnistFolder.Test;

    public Task InitializeAsync() => host.EnsureNoRunAsync();

    public async Task DisposeAsync()
    {
        foreach (var id in _sent)
        {
            using var deleted = await host.SendAsAdminAsync(HttpMethod.Delete, $"/api/feedback/{id}");
        }
    }

    [Fact]
    public async Task CorrectionsOfAStyleTheModelMisreads_DefaultRetrain_ServesAModelThatReadsThem()
    {
        var shipped = await host.ModelVersionAsync();
        var taught = new Random(20261207);
        var corrections = Enumerable.Range(0, 200).Select(_ => (Url: PenDrawings.DataUrl(PenDrawings.SlashedZero(taught)), Label: 0))
            .Concat(Enumerable.Range(0, 200).Select(i => (Url: PenDrawings.CentredDataUrl(Test, 2 * i), Label: (int)Test.Labels[2 * i])))
            .ToArray();
        // Drawings no run trains on: new slashed zeros, and ordinary digits of other test images.
        var unseen = new Random(7);
        var zeros = Enumerable.Range(0, 100).Select(_ => (Url: PenDrawings.DataUrl(PenDrawings.SlashedZero(unseen)), Label: 0)).ToArray();
        var ordinary = Enumerable.Range(0, 300).Select(i => (Url: PenDrawings.CentredDataUrl(Test, 5001 + 3 * i), Label: (int)Test.Labels[5001 + 3 * i])).ToArray();
        var zerosBefore = await AccuracyAsync(zeros);
        var ordinaryBefore = await AccuracyAsync(ordinary);

        var sent = await SendCorrectionsAsync(corrections);
        var run = await RetrainAsync();

        var zerosAfter = await AccuracyAsync(zeros);
        var ordinaryAfter = await AccuracyAsync(ordinary);
        var accuracy = await host.GetJsonAsync("/api/model_accuracy/");
        output.WriteLine($"{sent.Created} corrections stored, {sent.HeldOut} of them held out; run: {run.GetProperty("output")}");
        output.WriteLine($"slashed zeros {zerosBefore:P1} → {zerosAfter:P1}; ordinary drawings {ordinaryBefore:P1} → {ordinaryAfter:P1}; MNIST {accuracy.GetProperty("accuracy").GetDouble():P2}, synthetic drawings {accuracy.GetProperty("drawings_accuracy").GetDouble():P2}");

        Assert.Equal(400, sent.Created);
        Assert.Equal(sent.Created - sent.HeldOut, run.GetProperty("input").GetProperty("corrections").GetInt32());
        Assert.Equal(sent.Created - sent.HeldOut, run.GetProperty("output").GetProperty("corrections").GetInt32());
        Assert.True(run.GetProperty("output").GetProperty("served").GetBoolean(), run.GetProperty("output").GetProperty("message").GetString());
        Assert.NotEqual(shipped, await host.ModelVersionAsync());
        Assert.True(zerosAfter >= 0.98, $"the new model reads {zerosAfter:P1} of unseen slashed zeros");
        Assert.True(ordinaryAfter >= 0.99, $"the new model reads {ordinaryAfter:P1} of unseen ordinary drawings");
        Assert.True(accuracy.GetProperty("accuracy").GetDouble() >= 0.99, $"MNIST accuracy {accuracy.GetProperty("accuracy")}");
    }

    [Fact]
    public async Task ThousandWrongCorrections_DefaultRetrain_KeepsTheServedModelAndSaysWhy()
    {
        var served = await host.ModelVersionAsync();
        var ones = Enumerable.Range(0, Test.Count).Where(i => Test.Labels[i] == 1).Take(1000).ToArray();
        var poison = ones.Select(i => (Url: PenDrawings.CentredDataUrl(Test, i), Label: 7)).ToArray();

        var sent = await SendCorrectionsAsync(poison);
        var run = await RetrainAsync();

        var outcome = run.GetProperty("output");
        output.WriteLine($"{sent.Created} wrong corrections stored; run: {outcome}");
        Assert.Equal(1000, sent.Created);
        Assert.Equal("completed", outcome.GetProperty("status").GetString());
        Assert.False(outcome.GetProperty("served").GetBoolean());
        Assert.Contains("MNIST test images", outcome.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(served, await host.ModelVersionAsync());
        using var one = await host.Client.PostAsync("/api/drawing/", Drawings.Body(PenDrawings.CentredDataUrl(Test, ones[0])));
        Assert.Equal(1, (await one.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("prediction").GetInt32());
    }

    private async Task<(int Created, int HeldOut)> SendCorrectionsAsync(IEnumerable<(string Url, int Label)> corrections)
    {
        var (created, heldOut) = (0, 0);
        foreach (var (url, label) in corrections)
        {
            using var response = await host.Client.PostAsJsonAsync("/api/feedback/", new { drawing = url, label });
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, $"POST /api/feedback/ answered {(int)response.StatusCode}: {body}");
            var answer = JsonDocument.Parse(body).RootElement;
            if (response.StatusCode == HttpStatusCode.Created)
            {
                _sent.Add(answer.GetProperty("id").GetString()!);
                created++;
                heldOut += answer.GetProperty("held_out").GetBoolean() ? 1 : 0;
            }
        }
        return (created, heldOut);
    }

    /// <summary>Starts a run, waits for its end and returns its status document.</summary>
    private async Task<JsonElement> RetrainAsync()
    {
        await host.EnsureNoRunAsync();
        using var started = await host.Client.PostAsync("/api/retrain_model/", null);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var status = host.Reachable((await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("statusQueryGetUri").GetString()!);
        JsonElement run = default;
        await host.WaitUntilAsync(
            async () => (run = await host.Client.GetFromJsonAsync<JsonElement>(status)).GetProperty("output").ValueKind == JsonValueKind.Object,
            TimeSpan.FromMinutes(10), "the default run to end");
        var output = run.GetProperty("output");
        if (output.TryGetProperty("served", out var served) && served.GetBoolean())
        {
            // Published to the store; this instance serves it once its watcher has seen it.
            var version = output.GetProperty("modelVersion").GetString();
            await host.WaitUntilAsync(async () => await host.ModelVersionAsync() == version, TimeSpan.FromSeconds(10), $"model {version} to be served");
        }
        return run;
    }

    private async Task<double> AccuracyAsync(IReadOnlyList<(string Url, int Label)> drawings)
    {
        var right = 0;
        foreach (var (url, label) in drawings)
        {
            using var response = await host.Client.PostAsync("/api/drawing/", Drawings.Body(url));
            response.EnsureSuccessStatusCode();
            right += (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("prediction").GetInt32() == label ? 1 : 0;
        }
        return (double)right / drawings.Count;
    }
}
