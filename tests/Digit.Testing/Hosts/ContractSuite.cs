using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Digit.Testing.Hosts;

/// <summary>
/// The HTTP contract (shared/contract.md) as the frontend and its neighbours use it, over real sockets. One suite,
/// run against every host: a test class per host derives from it and hands it a started <see cref="DigitHost"/>.
/// Tests of one class share the host and run one after another, each from a host with no active run.
/// </summary>
public abstract class ContractSuite(DigitHost host) : IAsyncLifetime
{
    protected DigitHost Host { get; } = host;

    public Task InitializeAsync() => Host.EnsureNoRunAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    // ---- prediction ----

    [Fact]
    public async Task GetRoot_WithShippedModel_IsHealthyAndReady()
    {
        var health = await Host.GetJsonAsync("/");

        Assert.Equal("healthy", health.GetProperty("status").GetString());
        Assert.True(health.GetProperty("ready").GetBoolean());
        Assert.False(string.IsNullOrEmpty(health.GetProperty("model_version").GetString()));
    }

    [Fact]
    public async Task PostDrawing_TwentyMnistDigitsSentAsTheFrontendSends_AtLeastNineteenAreRight()
    {
        var test = MnistFolder.Test;
        var correct = 0;
        for (var i = 0; i < 20; i++)
        {
            using var response = await Host.Client.PostAsync("/api/drawing/", Drawings.Body(Drawings.FrontendDataUrl(test, i)));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.InRange(answer.GetProperty("confidence").GetDouble(), 0, 100);
            correct += answer.GetProperty("prediction").GetInt32() == test.Labels[i] ? 1 : 0;
        }

        Assert.True(correct >= 19, $"{correct} of 20 MNIST test digits were recognised");
    }

    [Fact]
    public async Task GetModelAccuracy_ShippedModel_IsAFractionOverNinetyNinePercent()
    {
        var accuracy = (await Host.GetJsonAsync("/api/model_accuracy/")).GetProperty("accuracy").GetDouble();

        Assert.InRange(accuracy, 0.99, 1.0);
    }

    [Fact]
    public async Task PostDrawing_Answer_CarriesEveryDigitsProbabilityInPercent()
    {
        using var response = await Host.Client.PostAsync("/api/drawing/", Drawings.Body(Drawings.FrontendDataUrl(MnistFolder.Test, 0)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
        var probabilities = answer.GetProperty("probabilities").EnumerateArray().Select(p => p.GetDouble()).ToArray();
        Assert.Equal(10, probabilities.Length);
        Assert.All(probabilities, p => Assert.InRange(p, 0, 100));
        Assert.InRange(probabilities.Sum(), 99.9, 100.1);
        var prediction = answer.GetProperty("prediction").GetInt32();
        Assert.Equal(Array.IndexOf(probabilities, probabilities.Max()), prediction);
        Assert.Equal(answer.GetProperty("confidence").GetDouble(), probabilities[prediction]);
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
    [InlineData("{\"drawing\":\"\\ud800\"}", "Bad base64")]
    [InlineData("{\"drawing\":\"abc\\udc00\"}", "Bad base64")]
    [InlineData("{\"drawing\":\"data:image/png;base64,iVBORw0KGgo=\\ud800\"}", "Bad base64")]
    public async Task PostDrawing_BadInput_Is400WithItsOwnError(string body, string error)
    {
        using var response = await Host.Client.PostAsync("/api/drawing/", new StringContent(body, Encoding.UTF8, "application/json"));

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, error);
    }

    [Fact]
    public async Task PostDrawing_InvalidUtf8InTheDrawing_Is400()
    {
        var body = new ByteArrayContent([.. "{\"drawing\":\""u8, 0xFF, 0xFE, .. "\"}"u8]);
        body.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        using var response = await Host.Client.PostAsync("/api/drawing/", body);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "Bad base64");
    }

    [Fact]
    public async Task PostDrawing_TruncatedPng_Is400TruncatedImage()
    {
        var png = PngWriter.Write(new TestCanvas(28, 28).FillRect(10, 5, 6, 18, 255));

        using var response = await Host.Client.PostAsync("/api/drawing/", Drawings.Body(Drawings.DataUrl(png[..(png.Length - 20)])));

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "Truncated image");
    }

    [Fact]
    public async Task PostDrawing_BlankCanvas_Is400EmptyDrawing()
    {
        var png = PngWriter.Write(new TestCanvas(280, 280, grey: 255));

        using var response = await Host.Client.PostAsync("/api/drawing/", Drawings.Body(Drawings.DataUrl(png)));

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "Empty drawing");
    }

    [Fact]
    public async Task PostDrawing_RawCanvasBlackOnWhite_IsRecognised()
    {
        // A 280x280 canvas as a client without the frontend's downscaling would send it: a thick "1".
        var png = PngWriter.Write(new TestCanvas(280, 280, grey: 255).FillRect(130, 40, 24, 200, 0));

        using var response = await Host.Client.PostAsync("/api/drawing/", Drawings.Body(Drawings.DataUrl(png)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("prediction").GetInt32());
    }

    [Fact]
    public async Task PostDrawing_HeaderClaimingHugeImage_Is413()
    {
        var png = PngWriter.Write(100_000, 100_000, PngColorType.Grey, new byte[64]);

        using var response = await Host.Client.PostAsync("/api/drawing/", Drawings.Body(Drawings.DataUrl(png)));

        await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "Image too large");
    }

    [Fact]
    public async Task PostDrawing_BodyOverOneMebibyte_Is413()
    {
        using var response = await Host.Client.PostAsync(
            "/api/drawing/", new StringContent("{\"drawing\":\"" + new string('A', 1_100_000) + "\"}", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task Preflight_FromAllowedOrigin_IsAllowed()
    {
        using var response = await PreflightAsync(DigitHost.AllowedOrigin);

        Assert.True(response.IsSuccessStatusCode);
        Assert.Equal(DigitHost.AllowedOrigin, response.Headers.GetValues("Access-Control-Allow-Origin").Single());
    }

    [Fact]
    public async Task Preflight_FromOtherOrigin_GetsNoCorsHeaders()
    {
        using var response = await PreflightAsync("http://evil.example");

        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Answers_SayNosniff()
    {
        using var response = await Host.Client.GetAsync("/api/check_model_status/");

        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
    }

    // ---- the built-in page ----

    [Theory]
    [InlineData("/app/", "text/html")]
    [InlineData("/app/app.js", "text/javascript")]
    [InlineData("/app/app.css", "text/css")]
    [InlineData("/app/icon.svg", "image/svg+xml")]
    public async Task GetPage_EachFile_IsServedWithItsTypeAndSecurityHeaders(string path, string mediaType)
    {
        using var response = await Host.Client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        AssertPageHeaders(response);
        Assert.True(response.Headers.CacheControl?.NoCache, $"Cache-Control: {response.Headers.CacheControl}");
        Assert.NotNull(response.Headers.ETag);
    }

    [Fact]
    public async Task GetPage_Html_LoadsOnlyItsOwnFilesAndHasNothingInline()
    {
        var html = await Host.Client.GetStringAsync("/app/");

        Assert.Contains("<script src=\"app.js\" defer></script>", html);
        Assert.Contains("<link rel=\"stylesheet\" href=\"app.css\">", html);
        Assert.DoesNotContain("<style", html);
        Assert.DoesNotContain(" style=", html);
        Assert.DoesNotContain("<script>", html);
        Assert.DoesNotContain("http://", html.Replace("http://www.w3.org/", "", StringComparison.Ordinal));
        Assert.DoesNotContain("https://", html);
    }

    [Fact]
    public async Task GetPage_Revalidated_Is304WithoutABody()
    {
        using var first = await Host.Client.GetAsync("/app/app.js");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/app/app.js");
        request.Headers.IfNoneMatch.Add(first.Headers.ETag!);

        using var again = await Host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotModified, again.StatusCode);
        Assert.Empty(await again.Content.ReadAsByteArrayAsync());
        AssertPageHeaders(again);
    }

    [Fact]
    public async Task GetPage_UnknownFile_Is404ProblemWithTheSecurityHeaders()
    {
        using var response = await Host.Client.GetAsync("/app/missing.js");

        await AssertProblemAsync(response, HttpStatusCode.NotFound, "Not found");
        AssertPageHeaders(response);
    }

    [Fact]
    public async Task GetPage_WithoutTheTrailingSlash_RedirectsToIt()
    {
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = Host.BaseAddress };

        using var response = await client.GetAsync("/app");

        Assert.Equal(HttpStatusCode.MovedPermanently, response.StatusCode);
        Assert.Equal("/app/", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task GetModelVersions_WithoutCredentials_ListsWhatTheAdminRouteLists()
    {
        var versions = await Host.GetJsonAsync("/api/model_versions/");
        using var admin = await Host.SendAsAdminAsync(HttpMethod.Get, "/api/models/");

        Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
        Assert.Equal((await admin.Content.ReadFromJsonAsync<JsonElement>()).GetRawText(), versions.GetRawText());
        Assert.Equal(await Host.ModelVersionAsync(), versions.GetProperty("served").GetString());
        var served = versions.GetProperty("versions").EnumerateArray().Single(v => v.GetProperty("served").GetBoolean());
        Assert.InRange(served.GetProperty("accuracy").GetDouble(), 0.99, 1);
        Assert.True(served.TryGetProperty("drawingsAccuracy", out _));
    }

    [Fact]
    public async Task GetModelVersions_Post_IsNotAllowed()
    {
        using var response = await Host.Client.PostAsync("/api/model_versions/", null);

        Assert.False(response.IsSuccessStatusCode);
    }

    // ---- retraining ----

    [Fact]
    [Trait("Category", "Timing")]
    public async Task Retrain_FollowedToTheEnd_PublishesAndServesTheNewModelWithinASecond()
    {
        var before = await Host.ModelVersionAsync();
        try
        {
            await FollowARunToTheEndAsync(before);
        }
        finally
        {
            // Later tests expect the shipped model.
            await Host.ActivateAsync(before!);
        }
    }

    private async Task FollowARunToTheEndAsync(string? before)
    {
        using var started = await Host.Client.PostAsync("/api/retrain_model/", null);
        var events = await ProgressEvents.ReadAllAsync(Host.Client, TimeSpan.FromMinutes(4));
        var closedAt = Stopwatch.StartNew();

        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var body = await started.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Model creation started", body.GetProperty("message").GetString());
        var runId = body.GetProperty("id").GetString()!;
        Assert.Equal("completed", events[^1].Data.GetProperty("reason").GetString());
        var progress = events.Where(e => !e.IsClose()).ToArray();
        Assert.NotEmpty(progress);
        Assert.All(progress, e => Assert.Equal(Host.TrainingEpochs, e.Data.GetProperty("max_epochs").GetInt32()));
        Assert.Contains(progress, e => e.Data.GetProperty("percentage").GetDouble() is > 0 and < 100);
        Assert.Contains(progress, e => e.Data.GetProperty("epoch").GetInt32() == 1 && e.Data.GetProperty("accuracy").GetString()!.Split('.')[1].Length == 2);
        AssertEventsAtLeastEverySecond(events);

        // The frontend asks for the accuracy as soon as the stream closes: it must already be the new model's.
        var accuracy = (await Host.GetJsonAsync("/api/model_accuracy/")).GetProperty("accuracy").GetDouble();
        await Host.WaitUntilAsync(async () => await Host.ModelVersionAsync() != before, TimeSpan.FromSeconds(5), "the new model to be served");
        Assert.True(closedAt.Elapsed < TimeSpan.FromSeconds(1), $"the new model was served {closedAt.Elapsed.TotalSeconds:F2} s after the stream closed");
        Assert.Equal("completed", await Host.ModelStatusAsync());
        Assert.Empty((await Host.GetJsonAsync("/api/training_progress/")).EnumerateObject());

        var status = await RunStatusAsync(body, expectFinal: true);
        Assert.Equal(runId, status.GetProperty("instanceId").GetString());
        Assert.Equal("RetrainOrchestrator", status.GetProperty("name").GetString());
        Assert.Equal("Completed", status.GetProperty("runtimeStatus").GetString());
        var output = status.GetProperty("output");
        Assert.Equal("completed", output.GetProperty("status").GetString());
        Assert.Equal(accuracy, output.GetProperty("accuracy").GetDouble());
        Assert.Equal(await Host.ModelVersionAsync(), output.GetProperty("modelVersion").GetString());
        var custom = status.GetProperty("customStatus");
        Assert.Equal("completed", custom.GetProperty("stage").GetString());
        Assert.Equal(Host.TrainingEpochs, custom.GetProperty("epochsDone").GetInt32());
        Assert.Equal(Host.TrainingEpochs, custom.GetProperty("maxEpochs").GetInt32());
        Assert.True(status.TryGetProperty("createdTime", out _) && status.TryGetProperty("lastUpdatedTime", out _));
    }

    [Fact]
    public async Task Retrain_TwentyConcurrentStarts_ExactlyOneIsAcceptedTheOthersGet409()
    {
        using var gate = new SemaphoreSlim(0);
        var requests = Enumerable.Range(0, 20).Select(async _ =>
        {
            await gate.WaitAsync();
            using var response = await Host.Client.PostAsync("/api/retrain_model/", null);
            return (response.StatusCode, Type: response.Content.Headers.ContentType?.MediaType, Body: await response.Content.ReadFromJsonAsync<JsonElement>());
        }).ToArray();
        gate.Release(20);
        var responses = await Task.WhenAll(requests);
        await Host.EnsureNoRunAsync();

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Accepted);
        var conflicts = responses.Where(r => r.StatusCode == HttpStatusCode.Conflict).ToArray();
        Assert.Equal(19, conflicts.Length);
        Assert.All(conflicts, r =>
        {
            Assert.Equal("application/problem+json", r.Type);
            Assert.StartsWith("Training is already in progress", r.Body.GetProperty("message").GetString());
            Assert.Equal(409, r.Body.GetProperty("status").GetInt32());
            Assert.False(string.IsNullOrEmpty(r.Body.GetProperty("error").GetString()));
            Assert.False(string.IsNullOrEmpty(r.Body.GetProperty("detail").GetString()));
        });
    }

    [Fact]
    public async Task Retrain_Accepted_CarriesTheManagementUrls()
    {
        using var started = await Host.Client.PostAsync("/api/retrain_model/", null);
        var body = await started.Content.ReadFromJsonAsync<JsonElement>();
        await Host.EnsureNoRunAsync();

        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        Assert.True(Uri.TryCreate(body.GetProperty("statusQueryGetUri").GetString(), UriKind.Absolute, out _));
        if (Host.IsFunctions)
        {
            Assert.Contains(body.GetProperty("id").GetString()!, body.GetProperty("terminatePostUri").GetString());
            Assert.True(body.TryGetProperty("sendEventPostUri", out _));
        }
    }

    [Fact]
    [Trait("Category", "Timing")]
    public async Task StopTraining_MidEpochWithBeaconBody_EndsInterruptedWithinTwoSecondsAndKeepsTheServedModel()
    {
        var before = await Host.ModelVersionAsync();
        using var started = await Host.Client.PostAsync("/api/retrain_model/", null);
        var body = await started.Content.ReadFromJsonAsync<JsonElement>();
        await Host.WaitUntilAsync(async () => await Host.TrainingPercentageAsync() is > 0 and < 100, TimeSpan.FromMinutes(2), "the first epoch to be under way");

        var seconds = await StopAndWaitAsync(new StringContent("stop", Encoding.UTF8, "text/plain"), DigitHost.AllowedOrigin);

        Assert.True(seconds < 2, $"stopped after {seconds:F2} s");
        Assert.Equal(before, await Host.ModelVersionAsync());
        var events = await ProgressEvents.ReadAllAsync(Host.Client, TimeSpan.FromSeconds(10));
        Assert.Equal("interrupted", Assert.Single(events).Data.GetProperty("reason").GetString());
        var output = (await RunStatusAsync(body, expectFinal: true)).GetProperty("output");
        Assert.Equal("interrupted", output.GetProperty("status").GetString());
        Assert.StartsWith("Stopped during epoch 1", output.GetProperty("message").GetString());
    }

    [Fact]
    [Trait("Category", "Timing")]
    public async Task StopTraining_RightAfterTheStart_EndsInterruptedWithinTwoSeconds()
    {
        using var started = await Host.Client.PostAsync("/api/retrain_model/", null);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);

        var seconds = await StopAndWaitAsync();

        Assert.True(seconds < 2, $"stopped after {seconds:F2} s");
    }

    [Fact]
    [Trait("Category", "Timing")]
    public async Task StopTraining_BetweenEpochs_EndsInterruptedWithinTwoSeconds()
    {
        using var started = await Host.Client.PostAsync("/api/retrain_model/", null);
        await Host.WaitUntilAsync(async () => await Host.EpochsDoneAsync() >= 1, TimeSpan.FromMinutes(2), "the first epoch to finish");

        var seconds = await StopAndWaitAsync();

        Assert.True(seconds < 2, $"stopped after {seconds:F2} s");
    }

    [Fact]
    public async Task StopTraining_NothingRunning_SaysSo()
    {
        using var response = await Host.Client.PostAsync("/api/stop_training/", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Training not in progress.", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("message").GetString());
    }

    [Fact]
    public async Task Progress_NoRunActive_ClosesAtOnceWithTheCurrentStatus()
    {
        var status = await Host.ModelStatusAsync();

        var events = await ProgressEvents.ReadAllAsync(Host.Client, TimeSpan.FromSeconds(10));

        var close = Assert.Single(events);
        Assert.True(close.IsClose());
        Assert.Equal(status, close.Data.GetProperty("reason").GetString());
    }

    [Theory]
    [InlineData("/api/retrain_model/")]
    [InlineData("/api/stop_training/")]
    public async Task StateChangingRoute_SimplePostFromAnotherSite_Is403(string route)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, route) { Content = new StringContent("x", Encoding.UTF8, "text/plain") };
        request.Headers.Add("Origin", "http://evil.example");

        using var response = await Host.Client.SendAsync(request);

        await AssertProblemAsync(response, HttpStatusCode.Forbidden, "Origin not allowed");
        Assert.NotEqual("in_progress", await Host.ModelStatusAsync());
    }

    [Fact]
    public async Task Retrain_FromTheAllowedOrigin_IsAccepted()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/retrain_model/");
        request.Headers.Add("Origin", DigitHost.AllowedOrigin);

        using var response = await Host.Client.SendAsync(request);
        await Host.EnsureNoRunAsync();

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Theory]
    [InlineData("/api/retrain_model/", HttpStatusCode.Accepted)]
    [InlineData("/api/stop_training/", HttpStatusCode.OK)]
    public async Task StateChangingRoute_FromThePagesOwnOrigin_IsServed(string route, HttpStatusCode status)
    {
        // What a browser sends with a POST from the built-in page: its own origin, which FRONTEND_URL does not list.
        using var request = new HttpRequestMessage(HttpMethod.Post, route);
        request.Headers.Add("Origin", Host.BaseAddress.GetLeftPart(UriPartial.Authority));

        using var response = await Host.Client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        await Host.EnsureNoRunAsync();

        Assert.True(response.StatusCode == status, $"{(int)response.StatusCode}: {body}");
    }

    [Theory]
    [InlineData(null, 1)]
    [InlineData("localhost.evil.example", 0)]
    [InlineData("127.0.0.1.evil.example", 0)]
    public async Task StateChangingRoute_FromAnOriginThatOnlyLooksLikeTheHosts_Is403(string? host, int portOffset)
    {
        // Another port of the same host, or another host on the same port, is another site.
        var own = Host.BaseAddress;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/retrain_model/");
        request.Headers.Add("Origin", $"http://{host ?? own.Host}:{own.Port + portOffset}");

        using var response = await Host.Client.SendAsync(request);

        await AssertProblemAsync(response, HttpStatusCode.Forbidden, "Origin not allowed");
        Assert.NotEqual("in_progress", await Host.ModelStatusAsync());
    }

    [Fact]
    public async Task Retrain_FromAPageOnARebindingName_IsRefused()
    {
        // DNS rebinding: evil.example resolves to this server, so the page's origin and the Host header agree.
        var port = Host.BaseAddress.Port;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/retrain_model/");
        request.Headers.Host = $"evil.example:{port}";
        request.Headers.Add("Origin", $"http://evil.example:{port}");

        using var response = await Host.Client.SendAsync(request);

        Assert.False(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        Assert.NotEqual("in_progress", await Host.ModelStatusAsync());
    }

    [Fact]
    public async Task Retrain_WithAForgedHostHeader_NeverEchoesIt()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/retrain_model/");
        request.Headers.Host = "evil.example:1234";

        using var response = await Host.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        await Host.EnsureNoRunAsync();

        Assert.DoesNotContain("evil.example", text);
    }

    [Theory]
    [InlineData("0123456789abcdef0123456789abcdef", HttpStatusCode.NotFound, "Unknown run")]
    [InlineData("%20", HttpStatusCode.BadRequest, "Malformed run id")]
    [InlineData("%09", HttpStatusCode.BadRequest, "Malformed run id")]
    [InlineData("a%20b", HttpStatusCode.BadRequest, "Malformed run id")]
    public async Task GetRun_UnknownOrMalformedId_IsAProblem(string id, HttpStatusCode status, string error)
    {
        using var response = await Host.Client.GetAsync($"/api/runs/{id}/");

        await AssertProblemAsync(response, status, error);
    }

    // ---- model versions ----

    [Fact]
    public async Task GetModels_WithCredentials_ListsTheServedVersionWithItsOrigin()
    {
        var served = await Host.ModelVersionAsync();

        using var response = await Host.SendAsAdminAsync(HttpMethod.Get, "/api/models/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(served, body.GetProperty("served").GetString());
        var entry = body.GetProperty("versions").EnumerateArray().Single(v => v.GetProperty("version").GetString() == served);
        Assert.True(entry.GetProperty("served").GetBoolean());
        Assert.Equal("shipped", entry.GetProperty("origin").GetString());
        Assert.InRange(entry.GetProperty("accuracy").GetDouble(), 0.99, 1);
        Assert.True(entry.GetProperty("epochs").GetInt32() > 0);
    }

    [Theory]
    [InlineData("GET", "/api/models/")]
    [InlineData("POST", "/api/models/20250101T000000000Z-0001/activate")]
    [InlineData("GET", "/api/feedback/")]
    [InlineData("DELETE", "/api/feedback/0123456789abcdef0123456789abcdef")]
    public async Task AdminRoutes_WithoutCredentials_AreRefused(string method, string path)
    {
        using var response = await Host.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("20250101T000000000Z-0001", HttpStatusCode.NotFound, "Unknown version")]
    [InlineData("-bad", HttpStatusCode.BadRequest, "Malformed version")]
    [InlineData("a%20b", HttpStatusCode.BadRequest, "Malformed version")]
    public async Task Activate_UnknownOrMalformedVersion_IsAProblemAndTheServedModelStays(string version, HttpStatusCode status, string error)
    {
        var served = await Host.ModelVersionAsync();

        using var response = await Host.SendAsAdminAsync(HttpMethod.Post, $"/api/models/{version}/activate");

        await AssertProblemAsync(response, status, error);
        Assert.Equal(served, await Host.ModelVersionAsync());
    }

    // ---- corrections ----

    [Fact]
    public async Task PostFeedback_NewDrawing_Is201ThenTheSameDrawingIs200WithTheSameIdAndNothingDuplicated()
    {
        var drawing = Drawings.FrontendDataUrl(MnistFolder.Test, 100);
        var before = await Host.CorrectionCountAsync();

        using var first = await Host.PostFeedbackAsync(drawing, MnistFolder.Test.Labels[100]);
        using var again = await Host.PostFeedbackAsync(drawing, MnistFolder.Test.Labels[100]);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var created = await first.Content.ReadFromJsonAsync<JsonElement>();
        var repeated = await again.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Matches("^[0-9a-f]{32}$", created.GetProperty("id").GetString());
        Assert.Equal(created.GetProperty("id").GetString(), repeated.GetProperty("id").GetString());
        Assert.Equal(created.GetProperty("held_out").GetBoolean(), repeated.GetProperty("held_out").GetBoolean());
        Assert.Equal(before + 1, await Host.CorrectionCountAsync());
    }

    [Fact]
    public async Task PostFeedback_SeveralDrawings_HeldOutFollowsTheIdAndTheCountSplitsThem()
    {
        var before = await Host.GetJsonAsync("/api/feedback/count/");
        var heldOut = 0;
        for (var i = 110; i < 125; i++)
        {
            using var response = await Host.PostFeedbackAsync(Drawings.FrontendDataUrl(MnistFolder.Test, i), MnistFolder.Test.Labels[i]);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            var id = body.GetProperty("id").GetString()!;
            // The contract's rule: one in five, by the id's first byte.
            Assert.Equal(Convert.ToByte(id[..2], 16) % 5 == 0, body.GetProperty("held_out").GetBoolean());
            heldOut += body.GetProperty("held_out").GetBoolean() ? 1 : 0;
        }

        var after = await Host.GetJsonAsync("/api/feedback/count/");
        Assert.Equal(before.GetProperty("total").GetInt32() + 15, after.GetProperty("total").GetInt32());
        Assert.Equal(before.GetProperty("held_out").GetInt32() + heldOut, after.GetProperty("held_out").GetInt32());
        Assert.Equal(before.GetProperty("training").GetInt32() + 15 - heldOut, after.GetProperty("training").GetInt32());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("7")]
    [InlineData(7.5)]
    [InlineData(10)]
    [InlineData(-1)]
    [InlineData(true)]
    public async Task PostFeedback_LabelNotADigit_Is400AndNothingIsStored(object? label)
    {
        var before = await Host.CorrectionCountAsync();

        using var response = await Host.PostFeedbackAsync(Drawings.FrontendDataUrl(MnistFolder.Test, 130), label);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "Bad label");
        Assert.Equal(before, await Host.CorrectionCountAsync());
    }

    [Fact]
    public async Task PostFeedback_NoLabelMember_Is400()
    {
        using var response = await Host.Client.PostAsync("/api/feedback/", Drawings.Body(Drawings.FrontendDataUrl(MnistFolder.Test, 130)));

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "Bad label");
    }

    [Theory]
    [InlineData("not json at all", "Body is not JSON")]
    [InlineData("{\"label\":3}", "Missing drawing")]
    [InlineData("{\"drawing\":\"aGVsbG8gd29ybGQ=\",\"label\":3}", "Not an image")]
    [InlineData("{\"drawing\":\"data:image/png;base64,@@@@\",\"label\":3}", "Bad base64")]
    public async Task PostFeedback_BadBodyOrDrawing_Is400WithItsOwnErrorAndNothingIsStored(string body, string error)
    {
        var before = await Host.CorrectionCountAsync();

        using var response = await Host.Client.PostAsync("/api/feedback/", new StringContent(body, Encoding.UTF8, "application/json"));

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, error);
        Assert.Equal(before, await Host.CorrectionCountAsync());
    }

    [Fact]
    public async Task PostFeedback_BlankCanvas_Is400EmptyDrawing()
    {
        var png = PngWriter.Write(new TestCanvas(280, 280, grey: 255));

        using var response = await Host.PostFeedbackAsync(Drawings.DataUrl(png), 4);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "Empty drawing");
    }

    [Fact]
    public async Task PostFeedback_BodyOverOneMebibyte_Is413()
    {
        using var response = await Host.Client.PostAsync(
            "/api/feedback/", new StringContent("{\"label\":1,\"drawing\":\"" + new string('A', 1_100_000) + "\"}", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task PostFeedback_FromAnotherSite_Is403AndNothingIsStored()
    {
        var before = await Host.CorrectionCountAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/feedback/")
        {
            Content = JsonContent.Create(new { drawing = Drawings.FrontendDataUrl(MnistFolder.Test, 131), label = 1 }),
        };
        request.Headers.Add("Origin", "http://evil.example");

        using var response = await Host.Client.SendAsync(request);

        await AssertProblemAsync(response, HttpStatusCode.Forbidden, "Origin not allowed");
        Assert.Equal(before, await Host.CorrectionCountAsync());
    }

    [Fact]
    public async Task PostFeedback_FromTheAllowedOrigin_IsStored()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/feedback/")
        {
            Content = JsonContent.Create(new { drawing = Drawings.FrontendDataUrl(MnistFolder.Test, 132), label = MnistFolder.Test.Labels[132] }),
        };
        request.Headers.Add("Origin", DigitHost.AllowedOrigin);

        using var response = await Host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task GetFeedback_AsAdmin_CountsPerLabelAndRightAndWrongOfTheServedVersion()
    {
        var served = await Host.ModelVersionAsync();
        var before = await FeedbackSummaryAsync();
        var test = MnistFolder.Test;
        // Two digits labelled truly, one labelled as another digit; the served model's reading decides right or wrong.
        (int Index, int Label)[] sent = [(140, test.Labels[140]), (141, test.Labels[141]), (142, (test.Labels[142] + 1) % 10)];
        var (right, wrong) = (0, 0);
        foreach (var (index, label) in sent)
        {
            var drawing = Drawings.FrontendDataUrl(test, index);
            var predicted = (await (await Host.Client.PostAsync("/api/drawing/", Drawings.Body(drawing))).Content.ReadFromJsonAsync<JsonElement>())
                .GetProperty("prediction").GetInt32();
            (right, wrong) = predicted == label ? (right + 1, wrong) : (right, wrong + 1);
            using var response = await Host.PostFeedbackAsync(drawing, label);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }

        var after = await FeedbackSummaryAsync();

        Assert.Equal(before.GetProperty("total").GetInt32() + 3, after.GetProperty("total").GetInt32());
        Assert.Equal(
            after.GetProperty("total").GetInt32(),
            after.GetProperty("training").GetInt32() + after.GetProperty("held_out").GetInt32());
        Assert.Equal(50_000, after.GetProperty("max").GetInt32());
        var labelsAdded = new int[10];
        foreach (var (_, label) in sent)
        {
            labelsAdded[label]++;
        }
        for (var digit = 0; digit < 10; digit++)
        {
            var key = digit.ToString(System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(before.GetProperty("labels").GetProperty(key).GetInt32() + labelsAdded[digit], after.GetProperty("labels").GetProperty(key).GetInt32());
        }
        var (rightBefore, wrongBefore) = Score(before, served!);
        var (rightAfter, wrongAfter) = Score(after, served!);
        Assert.Equal((rightBefore + right, wrongBefore + wrong), (rightAfter, wrongAfter));
        Assert.True(wrong >= 1, "the correction labelled as another digit counts as wrong");
    }

    [Fact]
    public async Task PostFeedback_SameDrawingWithAnotherLabel_KeepsOneCorrectionWithTheNewLabel()
    {
        var test = MnistFolder.Test;
        var drawing = Drawings.FrontendDataUrl(test, 150);
        var wrongLabel = (test.Labels[150] + 3) % 10;
        using (var first = await Host.PostFeedbackAsync(drawing, wrongLabel))
        {
            Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        }
        var before = await FeedbackSummaryAsync();

        using var again = await Host.PostFeedbackAsync(drawing, test.Labels[150]);

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var after = await FeedbackSummaryAsync();
        Assert.Equal(before.GetProperty("total").GetInt32(), after.GetProperty("total").GetInt32());
        int Label(JsonElement summary, int digit) => summary.GetProperty("labels").GetProperty(digit.ToString(System.Globalization.CultureInfo.InvariantCulture)).GetInt32();
        Assert.Equal(Label(before, wrongLabel) - 1, Label(after, wrongLabel));
        Assert.Equal(Label(before, test.Labels[150]) + 1, Label(after, test.Labels[150]));
    }

    [Fact]
    public async Task DeleteFeedback_AsAdmin_Is204ThenUnknownIs404()
    {
        using var posted = await Host.PostFeedbackAsync(Drawings.FrontendDataUrl(MnistFolder.Test, 160), MnistFolder.Test.Labels[160]);
        var id = (await posted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        var before = await Host.CorrectionCountAsync();

        using var deleted = await Host.SendAsAdminAsync(HttpMethod.Delete, $"/api/feedback/{id}");
        using var again = await Host.SendAsAdminAsync(HttpMethod.Delete, $"/api/feedback/{id}");

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        await AssertProblemAsync(again, HttpStatusCode.NotFound, "Unknown correction");
        Assert.Equal(before - 1, await Host.CorrectionCountAsync());
    }

    [Theory]
    [InlineData("not-an-id")]
    [InlineData("0123456789ABCDEF0123456789ABCDEF")]
    [InlineData("a%20b")]
    public async Task DeleteFeedback_MalformedId_Is400(string id)
    {
        using var response = await Host.SendAsAdminAsync(HttpMethod.Delete, $"/api/feedback/{id}");

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "Malformed id");
    }

    private async Task<JsonElement> FeedbackSummaryAsync()
    {
        using var response = await Host.SendAsAdminAsync(HttpMethod.Get, "/api/feedback/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static (int Right, int Wrong) Score(JsonElement summary, string version) =>
        summary.GetProperty("models").EnumerateArray()
            .Where(model => model.GetProperty("version").GetString() == version)
            .Select(model => (model.GetProperty("right").GetInt32(), model.GetProperty("wrong").GetInt32()))
            .SingleOrDefault();

    /// <summary>Sends the stop and returns the seconds until the status is interrupted.</summary>
    protected async Task<double> StopAndWaitAsync(HttpContent? body = null, string? origin = null)
    {
        var clock = Stopwatch.StartNew();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/stop_training/") { Content = body };
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }
        using var response = await Host.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Stop signal sent.", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("message").GetString());
        await Host.WaitUntilAsync(async () => await Host.ModelStatusAsync() == "interrupted", TimeSpan.FromSeconds(30), "the run to end interrupted");
        return clock.Elapsed.TotalSeconds;
    }

    /// <summary>GET statusQueryGetUri of a 202 (Durable's status URL on Functions), waiting for a final output when asked.</summary>
    protected async Task<JsonElement> RunStatusAsync(JsonElement accepted, bool expectFinal)
    {
        var uri = Host.Reachable(accepted.GetProperty("statusQueryGetUri").GetString()!);
        JsonElement status = default;
        await Host.WaitUntilAsync(async () =>
        {
            using var response = await Host.Client.GetAsync(uri);
            if (!response.IsSuccessStatusCode)
            {
                return false;
            }
            status = await response.Content.ReadFromJsonAsync<JsonElement>();
            return !expectFinal || (status.TryGetProperty("output", out var output) && output.ValueKind == JsonValueKind.Object);
        }, TimeSpan.FromSeconds(30), $"the status at {uri}");
        return status;
    }

    protected static void AssertEventsAtLeastEverySecond(IReadOnlyList<ProgressEvents.Event> events)
    {
        var gaps = events.Zip(events.Skip(1), (a, b) => b.At - a.At).ToArray();
        if (gaps.Length == 0)
        {
            return;
        }
        var longest = Array.IndexOf(gaps, gaps.Max());
        Assert.True(gaps[longest] < TimeSpan.FromSeconds(1),
            $"longest gap between events: {gaps[longest].TotalSeconds:F2} s, before event {longest + 1} of {events.Count}: {events[longest + 1].Data}");
    }

    protected static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string error)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(error, problem.GetProperty("error").GetString());
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
    }

    private static void AssertPageHeaders(HttpResponseMessage response)
    {
        Assert.Equal("default-src 'self'", response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
    }

    private Task<HttpResponseMessage> PreflightAsync(string origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, "/api/drawing/");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "content-type");
        return Host.Client.SendAsync(request);
    }
}
