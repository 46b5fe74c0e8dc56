using Microsoft.Playwright;

namespace Digit.Testing.Browser;

/// <summary>
/// The system's Chromium, headless, driven by Playwright with a fresh profile that is deleted afterwards.
/// Playwright's own browser download does not work here, so only <see cref="ExecutablePath"/> is used.
/// </summary>
public sealed class ChromiumBrowser : IAsyncDisposable
{
    public const string ExecutablePath = "/usr/bin/chromium";

    // Besides headless basics: no background traffic (updates, sync, QUIC probes) into a closed network.
    private static readonly string[] Arguments =
    [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ];

    private readonly IPlaywright _playwright;
    private readonly DirectoryInfo _profile;

    private ChromiumBrowser(IPlaywright playwright, DirectoryInfo profile, IBrowserContext context)
    {
        _playwright = playwright;
        _profile = profile;
        Context = context;
    }

    public IBrowserContext Context { get; }

    public static async Task<ChromiumBrowser> LaunchAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException(
                $"{ExecutablePath} is missing; the browser tests need it. Install it with: apt-get install -y --no-install-recommends chromium");
        }

        var playwright = await Playwright.CreateAsync();
        var profile = Directory.CreateTempSubdirectory("digit-chromium-");
        try
        {
            var context = await playwright.Chromium.LaunchPersistentContextAsync(profile.FullName, new BrowserTypeLaunchPersistentContextOptions
            {
                ExecutablePath = ExecutablePath,
                Headless = true,
                Args = Arguments,
                ViewportSize = new ViewportSize { Width = 900, Height = 900 },
                Timeout = 60_000,
            });
            return new ChromiumBrowser(playwright, profile, context);
        }
        catch
        {
            playwright.Dispose();
            profile.Delete(recursive: true);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Context.CloseAsync();
        _playwright.Dispose();
        _profile.Delete(recursive: true);
    }
}
