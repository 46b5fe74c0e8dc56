using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Digit.Testing.Hosts;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Digit.Testing.Browser;

/// <summary>
/// The built-in page at /app/ in a real Chromium, served by the host itself under its Content-Security-Policy: a
/// person draws with the mouse, sees the prediction and ten bars, corrects it, trains while a chart follows the run,
/// and reads the model versions. The page's origin is the host's own, which FRONTEND_URL does not list.
/// </summary>
/// <remarks>One suite for every host: a test class per host derives from it with its <see cref="BrowserFixture"/>.</remarks>
public abstract class PageSuite(BrowserFixture browser, ITestOutputHelper output) : IAsyncLifetime
{
    // As in BrowserSuite: a run takes about 40 s alone on 2 busy cores, twice that beside other work.
    private const float RunTimeoutMs = 180_000;

    /// <summary>Pen strokes on the 280x280 canvas, in canvas pixels.</summary>
    private static readonly Dictionary<int, (float X, float Y)[][]> Strokes = new()
    {
        [1] = [[(140, 45), (140, 235)]],
        [7] = [[(75, 55), (205, 55), (115, 235)]],
    };

    private static readonly Regex Percent = new(@"^\d{1,3}\.\d{2}%$");

    private readonly ConcurrentQueue<string> _consoleErrors = new();

    private DigitHost Host => browser.Host;

    public Task InitializeAsync() => Host.EnsureNoRunAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    public static TheoryData<int> DrawnDigits => new(Strokes.Keys);

    [Fact]
    public async Task Page_Loaded_ShowsTheServedModelAndItsVersionsWithoutConsoleErrorsUnderItsCsp()
    {
        var (page, response) = await OpenPageAsync();

        Assert.Equal("default-src 'self'", await response.HeaderValueAsync("content-security-policy"));
        var served = await Host.ModelVersionAsync();
        var row = page.Locator($"#versions tbody tr[data-version='{served}']");
        await Expect(row.Locator(".served-mark")).ToHaveTextAsync("served");
        var versions = await Host.GetJsonAsync("/api/model_versions/");
        var entry = versions.GetProperty("versions").EnumerateArray().Single(v => v.GetProperty("version").GetString() == served);
        await Expect(row.Locator(".accuracy")).ToHaveTextAsync(Shown(entry.GetProperty("accuracy")));
        await Expect(row.Locator(".drawings-accuracy")).ToHaveTextAsync(Shown(entry.GetProperty("drawingsAccuracy")));
        Assert.Matches(Percent, await row.Locator(".accuracy").TextContentAsync());
        var accuracy = await Host.GetJsonAsync("/api/model_accuracy/");
        await Expect(page.Locator("#served-version")).ToHaveTextAsync(served!);
        await Expect(page.Locator("#served-accuracy")).ToHaveTextAsync(Shown(accuracy.GetProperty("accuracy")));
        await Expect(page.Locator("#served-drawings")).ToHaveTextAsync(
            Shown(accuracy.TryGetProperty("drawings_accuracy", out var drawings) ? drawings : default));
        Assert.Empty(await ViolationsAsync(page));
        Assert.Empty(_consoleErrors);

        // The policy is enforced: an inline style is refused, and seen.
        await page.EvaluateAsync("() => document.head.append(Object.assign(document.createElement('style'), { textContent: 'body { color: red }' }))");
        await page.WaitForFunctionAsync("() => window.cspViolations.length > 0");
        Assert.Equal("style-src-elem", Assert.Single(await ViolationsAsync(page)));
        await page.CloseAsync();
    }

    [Theory]
    [MemberData(nameof(DrawnDigits))]
    public async Task Drawing_DigitDrawnWithTheMouse_ShowsThePredictionAndTenBars(int digit)
    {
        var (page, _) = await OpenPageAsync();

        await DrawAsync(page, Strokes[digit]);
        var request = await page.RunAndWaitForRequestAsync(() => page.ClickAsync("#predict"), "**/api/drawing/");
        await Expect(page.Locator("#result")).ToHaveAttributeAsync("data-state", new Regex("^(done|failed)$"), new() { Timeout = 15_000 });

        Assert.Equal("done", await page.Locator("#result").GetAttributeAsync("data-state"));
        Assert.Equal(digit.ToString(CultureInfo.InvariantCulture), await page.Locator("#prediction").TextContentAsync());
        Assert.Matches(@"^\d{1,3}\.\d{2}% sure$", await page.Locator("#confidence").TextContentAsync());
        var bars = page.Locator("#probabilities rect.bar");
        await Expect(bars).ToHaveCountAsync(10);
        Assert.Equal(digit.ToString(CultureInfo.InvariantCulture), await page.Locator("#probabilities rect.bar.top").GetAttributeAsync("data-digit"));
        // What was sent: a 28x28 PNG data URL, as the original frontend sends it.
        var drawing = JsonDocument.Parse(request.PostData!).RootElement.GetProperty("drawing").GetString()!;
        Assert.StartsWith("data:image/png;base64,", drawing, StringComparison.Ordinal);
        var png = Convert.FromBase64String(drawing["data:image/png;base64,".Length..]);
        Assert.Equal((28, 28), (BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20))));
        Assert.Equal("same-origin", await request.HeaderValueAsync("sec-fetch-site"));
        Assert.Empty(_consoleErrors);

        await page.ClickAsync("#clear");
        await Expect(bars).ToHaveCountAsync(0);
        await page.CloseAsync();
    }

    [Fact]
    public async Task Correction_DigitPickedAfterAPrediction_IsSavedAndTheWaitingCountRises()
    {
        var (page, _) = await OpenPageAsync();
        await Expect(page.Locator("#corrections")).ToHaveAttributeAsync("data-total", new Regex(@"^\d+$"));
        var before = int.Parse((await page.Locator("#corrections").GetAttributeAsync("data-total"))!, CultureInfo.InvariantCulture);
        await DrawAsync(page, Strokes[7]);
        await page.ClickAsync("#predict");
        await Expect(page.Locator("#feedback")).ToBeVisibleAsync(new() { Timeout = 15_000 });

        var response = await page.RunAndWaitForResponseAsync(() => page.ClickAsync("#digits button[data-label='1']"), "**/api/feedback/");
        await Expect(page.Locator("#corrections")).ToHaveAttributeAsync("data-total", (before + 1).ToString(CultureInfo.InvariantCulture));

        Assert.Equal(201, response.Status);
        var sent = JsonDocument.Parse(response.Request.PostData!).RootElement;
        Assert.Equal(1, sent.GetProperty("label").GetInt32());
        Assert.StartsWith("data:image/png;base64,", sent.GetProperty("drawing").GetString(), StringComparison.Ordinal);
        Assert.Equal("sent", await page.Locator("#result").GetAttributeAsync("data-feedback"));
        Assert.StartsWith("Thank you", await page.Locator("#feedback-status").TextContentAsync(), StringComparison.Ordinal);
        Assert.Empty(_consoleErrors);
        await page.CloseAsync();
    }

    [Fact]
    public async Task Training_StartedFromThePage_ChartGetsPointsThenTheOutcomeAndTheNewVersionShows()
    {
        var before = await Host.ModelVersionAsync();
        try
        {
            var (page, _) = await OpenPageAsync();

            var started = await page.RunAndWaitForResponseAsync(() => page.ClickAsync("#train"), "**/api/retrain_model/");
            Assert.True(started.Status == 202, $"{started.Status}: {await started.TextAsync()}");
            await page.WaitForFunctionAsync("() => Number(document.getElementById('train-chart').dataset.points) > 0", null, new() { Timeout = RunTimeoutMs });
            output.WriteLine($"first chart point: {await page.Locator("#train-status").TextContentAsync()}");
            await Expect(page.Locator("#training")).ToHaveAttributeAsync("data-outcome", new Regex("^(completed|interrupted|error)$"), new() { Timeout = RunTimeoutMs });

            var outcome = await page.Locator("#train-outcome").TextContentAsync();
            output.WriteLine($"outcome: {outcome}; chart points: {await page.Locator("#train-chart").GetAttributeAsync("data-points")}");
            Assert.Equal("completed", await page.Locator("#training").GetAttributeAsync("data-outcome"));
            var run = await Host.GetJsonAsync($"/api/runs/{JsonDocument.Parse(await started.TextAsync()).RootElement.GetProperty("id").GetString()}/");
            Assert.Equal($"The run completed. {run.GetProperty("output").GetProperty("message").GetString()}", outcome);
            await Expect(page.Locator("#train-chart circle.accuracy")).ToHaveCountAsync(Host.TrainingEpochs);
            Assert.True(await page.EvaluateAsync<int>("() => Number(document.getElementById('train-chart').dataset.points)") >= 2);
            var published = run.GetProperty("output").GetProperty("modelVersion").GetString();
            var row = page.Locator($"#versions tbody tr[data-version='{published}']");
            await Expect(row.Locator(".served-mark")).ToHaveTextAsync("served");
            Assert.Matches(Percent, await row.Locator(".accuracy").TextContentAsync());
            await Expect(page.Locator("#served-version")).ToHaveTextAsync(published!);
            Assert.Empty(_consoleErrors);
            Assert.Empty(await ViolationsAsync(page));
            await page.CloseAsync();
        }
        finally
        {
            // The drawing tests expect the shipped model.
            await Host.ActivateAsync(before!);
        }
    }

    [Fact]
    public async Task Page_AtPhoneWidth_FitsWithoutScrollingSideways()
    {
        var (page, _) = await OpenPageAsync();
        await page.SetViewportSizeAsync(360, 740);

        var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
        var canvas = await page.Locator("#canvas").BoundingBoxAsync();

        Assert.True(overflow <= 0, $"the page is {overflow} px wider than the screen");
        // 280 px and its 2 px border, or less.
        Assert.InRange(canvas!.Width, 200, 284);
        await page.CloseAsync();
    }

    [Fact]
    public async Task Page_Keyboard_ReachesTheButtonsInOrder()
    {
        var (page, _) = await OpenPageAsync();

        var focused = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            focused.Add(await page.EvaluateAsync<string>("() => document.activeElement.id"));
        }

        Assert.Equal(["predict", "clear", "train", "stop"], focused);
        await page.CloseAsync();
    }

    /// <summary>Opens /app/ on the host, collecting console errors and CSP violations.</summary>
    private async Task<(IPage Page, IResponse Response)> OpenPageAsync()
    {
        var page = await browser.Chromium.Context.NewPageAsync();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                _consoleErrors.Enqueue(message.Text);
                output.WriteLine($"console: {message.Text}");
            }
        };
        await page.AddInitScriptAsync(
            "window.cspViolations = []; document.addEventListener('securitypolicyviolation', e => window.cspViolations.push(e.effectiveDirective));");
        var response = await page.GotoAsync(new Uri(Host.BaseAddress, "/app/").ToString())
            ?? throw new InvalidOperationException("The page did not load.");
        await Expect(page.Locator("body")).ToHaveAttributeAsync("data-ready", "true");
        return (page, response);
    }

    private static async Task<string[]> ViolationsAsync(IPage page) => await page.EvaluateAsync<string[]>("() => window.cspViolations");

    /// <summary>A fraction as the page shows it: a percentage with two decimals, or a dash when unknown.</summary>
    private static string Shown(JsonElement fraction) =>
        fraction.ValueKind == JsonValueKind.Number
            ? (fraction.GetDouble() * 100).ToString("F2", CultureInfo.InvariantCulture) + "%"
            : "–";

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
}
