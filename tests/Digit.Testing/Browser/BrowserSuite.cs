using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Digit.Testing.Hosts;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Digit.Testing.Browser;

/// <summary>
/// The contract as the frontend in use exercises it, in a real Chromium: a page on another origin draws with the
/// mouse and asks for a prediction (a CORS preflight each time), trains while following the progress stream,
/// stops a run with navigator.sendBeacon, and is refused when its origin is not allowed.
/// </summary>
/// <remarks>One suite for every host: a test class per host derives from it with its <see cref="BrowserFixture"/>.</remarks>
public abstract class BrowserSuite(BrowserFixture browser, ITestOutputHelper output) : IAsyncLifetime
{
    // Alone, a run takes about 40 s on 2 busy cores (most of it publishing); beside the rest of the suite, twice that.
    private const float RunTimeoutMs = 180_000;

    private static readonly Regex FinalStatus = new("^(completed|interrupted|error)$");

    /// <summary>Pen strokes on the 280x280 canvas, in canvas pixels, for digits the shipped model knows well.</summary>
    private static readonly Dictionary<int, (float X, float Y)[][]> Strokes = new()
    {
        [0] = [Ellipse(140, 140, 62, 92)],
        [1] = [[(140, 45), (140, 235)]],
        [4] = [[(165, 45), (75, 170), (215, 170)], [(175, 95), (175, 240)]],
        [7] = [[(75, 55), (205, 55), (115, 235)]],
    };

    private readonly ConcurrentQueue<string> _consoleErrors = new();

    public Task InitializeAsync() => browser.Host.EnsureNoRunAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    public static TheoryData<int> DrawnDigits => new(Strokes.Keys);

    [Theory]
    [MemberData(nameof(DrawnDigits))]
    public async Task Drawing_DigitDrawnWithTheMouse_PageShowsItsPrediction(int digit)
    {
        var page = await OpenPageAsync(browser.AllowedPages, browser.Host);

        await DrawAsync(page, Strokes[digit]);
        var response = await page.RunAndWaitForResponseAsync(() => page.ClickAsync("#predict"), "**/api/drawing/");
        var state = await WaitForPredictionAsync(page);

        Assert.True(state == "done", $"the prediction failed: {await page.Locator("#error").TextContentAsync()}");
        Assert.Equal(200, response.Status);
        Assert.Equal(browser.AllowedPages.Origin, response.Headers.GetValueOrDefault("access-control-allow-origin"));
        Assert.Equal(digit.ToString(CultureInfo.InvariantCulture), await page.Locator("#prediction").TextContentAsync());
        var confidence = await page.Locator("#confidence").TextContentAsync();
        Assert.Matches(@"^\d{1,3}\.\d{2}%$", confidence);
        Assert.InRange(double.Parse(confidence!.TrimEnd('%'), CultureInfo.InvariantCulture), 50, 100);
        Assert.Equal(28, await page.EvaluateAsync<int>("() => document.getElementById('sent').naturalWidth"));
        Assert.Empty(_consoleErrors);
        await page.CloseAsync();
    }

    [Fact]
    public async Task Drawing_FromADisallowedOrigin_IsRefusedByCors()
    {
        var page = await OpenPageAsync(browser.DisallowedPages, browser.Host);

        await DrawAsync(page, Strokes[7]);
        await page.ClickAsync("#predict");
        var state = await WaitForPredictionAsync(page);

        Assert.Equal("failed", state);
        Assert.Equal(string.Empty, await page.Locator("#prediction").TextContentAsync());
        Assert.Contains("Failed to fetch", await page.Locator("#error").TextContentAsync());
        await WaitForAsync(() => _consoleErrors.Any(e => e.Contains("blocked by CORS policy")), "the CORS error in the console");
        var error = _consoleErrors.First(e => e.Contains("blocked by CORS policy"));
        Assert.Contains($"from origin '{browser.DisallowedPages.Origin}'", error);
        output.WriteLine($"console: {error}");
        await page.CloseAsync();
    }

    [Fact]
    public async Task Training_StartedFromThePage_FollowsProgressToCompletedAndShowsTheAccuracy()
    {
        var before = await browser.Host.ModelVersionAsync();
        try
        {
            await TrainFromThePageAsync();
        }
        finally
        {
            // The drawing tests expect the shipped model.
            await browser.Host.ActivateAsync(before!);
        }
    }

    private async Task TrainFromThePageAsync()
    {
        var page = await OpenPageAsync(browser.AllowedPages, browser.Host);
        var clock = Stopwatch.StartNew();

        await page.ClickAsync("#train");
        await Expect(page.Locator("#status")).ToHaveTextAsync(FinalStatus, new() { Timeout = RunTimeoutMs });

        output.WriteLine($"train to completed: {clock.Elapsed.TotalSeconds:F1} s");
        Assert.True(await page.Locator("#status").TextContentAsync() == "completed", await DescribeAsync(page));
        var events = await EventsAsync(page);
        output.WriteLine($"{events.Length} events");
        var close = events[^1];
        Assert.Equal("close", close.GetProperty("event").GetString());
        Assert.Equal("completed", close.GetProperty("reason").GetString());
        var progress = events[..^1];
        Assert.NotEmpty(progress);
        Assert.All(progress, e => Assert.Equal(browser.Host.TrainingEpochs, e.GetProperty("max_epochs").GetInt32()));
        Assert.All(progress, e => Assert.InRange(e.GetProperty("percentage").GetDouble(), 0, 100));
        Assert.Contains(progress, e => e.GetProperty("percentage").GetDouble() is > 0 and < 100);
        Assert.Contains(progress, e => e.TryGetProperty("epoch", out var epoch) && epoch.GetInt32() == 1
            && Regex.IsMatch(e.GetProperty("accuracy").GetString()!, @"^\d{1,3}\.\d{2}$"));
        // The page must show what the server says.
        var accuracy = (await browser.Host.GetJsonAsync("/api/model_accuracy/")).GetProperty("accuracy").GetDouble();
        Assert.InRange(accuracy, 0.1, 1);
        Assert.Equal((accuracy * 100).ToString("F2", CultureInfo.InvariantCulture) + "%", await page.Locator("#accuracy").TextContentAsync());
        Assert.Equal("completed", await browser.Host.ModelStatusAsync());
        Assert.Empty(_consoleErrors);
        await page.CloseAsync();
    }

    [Fact]
    public async Task StopTraining_SentWithSendBeacon_PageFollowsTheRunToInterrupted()
    {
        var server = browser.Host;
        var before = await server.ModelVersionAsync();
        var page = await OpenPageAsync(browser.AllowedPages, server);
        await StartTrainingAsync(page);

        var clock = Stopwatch.StartNew();
        var beacon = await page.RunAndWaitForRequestFinishedAsync(() => page.ClickAsync("#stop"),
            new() { Predicate = request => request.Url.EndsWith("/api/stop_training/", StringComparison.Ordinal) });
        await Expect(page.Locator("#status")).ToHaveTextAsync(FinalStatus, new() { Timeout = 10_000 });

        output.WriteLine($"beacon to interrupted on the page: {clock.Elapsed.TotalSeconds:F2} s");
        Assert.True(await page.EvaluateAsync<bool>("() => window.digitPage.beaconQueued"));
        Assert.Equal("POST", beacon.Method);
        Assert.StartsWith("text/plain", beacon.Headers.GetValueOrDefault("content-type"));
        Assert.Equal("stop", beacon.PostData);
        Assert.Equal(200, (await beacon.ResponseAsync())?.Status);
        Assert.True(await page.Locator("#status").TextContentAsync() == "interrupted", await DescribeAsync(page));
        var close = (await EventsAsync(page))[^1];
        Assert.Equal("close", close.GetProperty("event").GetString());
        Assert.Equal("interrupted", close.GetProperty("reason").GetString());
        Assert.Equal("interrupted", await server.ModelStatusAsync());
        Assert.Equal(before, await server.ModelVersionAsync());
        Assert.Equal(string.Empty, await page.Locator("#accuracy").TextContentAsync());
        Assert.Empty(_consoleErrors);
        await page.CloseAsync();
    }

    [Fact]
    public async Task StopTraining_BeaconSentAsThePageUnloads_EndsTheRunInterrupted()
    {
        var server = browser.Host;
        var page = await OpenPageAsync(browser.AllowedPages, server);
        await StartTrainingAsync(page);

        var clock = Stopwatch.StartNew();
        await page.GotoAsync("about:blank");
        await server.WaitUntilAsync(async () => await server.ModelStatusAsync() != "in_progress", TimeSpan.FromSeconds(10), "the run to end");

        output.WriteLine($"unload to interrupted on the server: {clock.Elapsed.TotalSeconds:F2} s");
        Assert.Equal("interrupted", await server.ModelStatusAsync());
        await page.CloseAsync();
    }

    /// <summary>Opens the test page from <paramref name="pages"/>, pointed at <paramref name="server"/>, collecting the console errors it logs.</summary>
    private async Task<IPage> OpenPageAsync(StaticPageServer pages, DigitHost server)
    {
        var page = await browser.Chromium.Context.NewPageAsync();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                _consoleErrors.Enqueue(message.Text);
            }
        };
        var api = server.BaseAddress.GetLeftPart(UriPartial.Authority);
        await page.GotoAsync(pages.PageAddress("index.html", new Dictionary<string, string> { ["api"] = api }).ToString());
        return page;
    }

    /// <summary>Draws each stroke with the mouse: press at its first point, move through the rest, release.</summary>
    private static async Task DrawAsync(IPage page, (float X, float Y)[][] strokes)
    {
        var canvas = await page.Locator("#canvas").BoundingBoxAsync() ?? throw new InvalidOperationException("The canvas is not shown.");
        foreach (var stroke in strokes)
        {
            await page.Mouse.MoveAsync(canvas.X + stroke[0].X, canvas.Y + stroke[0].Y);
            await page.Mouse.DownAsync();
            foreach (var (x, y) in stroke.Skip(1))
            {
                await page.Mouse.MoveAsync(canvas.X + x, canvas.Y + y, new() { Steps = 8 });
            }
            await page.Mouse.UpAsync();
        }
    }

    /// <summary>Clicks Train and waits until the stream shows the first epoch under way.</summary>
    private static async Task StartTrainingAsync(IPage page)
    {
        await page.ClickAsync("#train");
        await page.WaitForFunctionAsync("() => window.digitPage.events.some(e => e.percentage > 0)", null, new() { Timeout = RunTimeoutMs });
    }

    private static async Task<string> WaitForPredictionAsync(IPage page)
    {
        await Expect(page.Locator("#result")).ToHaveAttributeAsync("data-state", new Regex("^(done|failed)$"), new() { Timeout = 15_000 });
        return (await page.Locator("#result").GetAttributeAsync("data-state"))!;
    }

    private static async Task<JsonElement[]> EventsAsync(IPage page)
    {
        var json = await page.EvaluateAsync<string>("() => JSON.stringify(window.digitPage.events)");
        return JsonDocument.Parse(json).RootElement.EnumerateArray().Select(e => e.Clone()).ToArray();
    }

    private static async Task<string> DescribeAsync(IPage page) =>
        $"status {await page.Locator("#status").TextContentAsync()}, error '{await page.Locator("#error").TextContentAsync()}', " +
        $"events {await page.EvaluateAsync<string>("() => JSON.stringify(window.digitPage.events)")}";

    private static async Task WaitForAsync(Func<bool> condition, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(5), $"waited 5 s for {what}");
            await Task.Delay(50);
        }
    }

    private static (float X, float Y)[] Ellipse(double centreX, double centreY, double radiusX, double radiusY) =>
        Enumerable.Range(0, 25)
            .Select(i => 2 * Math.PI * i / 24)
            .Select(angle => ((float)(centreX + radiusX * Math.Sin(angle)), (float)(centreY - radiusY * Math.Cos(angle))))
            .ToArray();
}
