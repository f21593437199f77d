using Microsoft.Playwright;

namespace WebhookAdmin.EndToEnd.Support;

/// <summary>
/// One Debian Chromium for the whole run (starting one costs ~1.5 s). Never a downloaded browser: this machine has
/// no internet, so Playwright is pointed at /usr/bin/chromium (override with WEBHOOKADMIN_CHROMIUM).
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var executable = Environment.GetEnvironmentVariable("WEBHOOKADMIN_CHROMIUM") ?? "/usr/bin/chromium";
        if (!File.Exists(executable))
            throw new InvalidOperationException($"Chromium not found at {executable}. Run ./test.sh (it installs Debian's chromium) or set WEBHOOKADMIN_CHROMIUM.");
        _playwright = await Playwright.CreateAsync();
        // Playwright's 5 s is short on a two-core CI machine delivering in the background (a search that had not come back
        // within 5 s failed a journey once): what must show still has to, only not within a stopwatch's reach. Checks
        // about speed give their own timeout.
        Assertions.SetDefaultExpectTimeout(15_000);
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = executable,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
            await Browser.DisposeAsync();
        _playwright?.Dispose();
    }
}

/// <summary>Browser and app shared by every journey class: an app start (~2 s) and a browser start are paid once.</summary>
public sealed class EndToEndFixture : IAsyncLifetime
{
    public BrowserFixture Browser { get; } = new();
    public Tests.Support.TestApp App { get; } = new FastRetriesApp();

    public async Task InitializeAsync()
    {
        await Task.WhenAll(Browser.InitializeAsync(), App.InitializeAsync());
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        await App.DisposeAsync();
    }

    /// <summary>
    /// A fresh browser context (own cookies) signed in as <paramref name="email"/>, on <paramref name="path"/>; 1280×800
    /// unless another <paramref name="viewport"/> is given, light unless the browser is told to prefer another scheme,
    /// Playwright's en-US unless another <paramref name="locale"/> is given.
    /// </summary>
    public async Task<IPage> SignInAsync(string email, string password, string path = "/admin/webhooks", ViewportSize? viewport = null,
        ColorScheme colorScheme = ColorScheme.Light, string? locale = null)
    {
        var page = await NewPageAsync(viewport, colorScheme, locale);
        await page.GotoAsync(path);
        // By id: the sign-in form speaks the browser's language.
        await page.Locator("#email").FillAsync(email);
        await page.Locator("#password").FillAsync(password);
        await page.Locator("form button[type=submit]").ClickAsync();
        return page;
    }

    /// <summary>A fresh browser context (own cookies) with one page, not signed in.</summary>
    public async Task<IPage> NewPageAsync(ViewportSize? viewport = null, ColorScheme colorScheme = ColorScheme.Light, string? locale = null)
    {
        var context = await Browser.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = App.BaseAddress.ToString(),
            ViewportSize = viewport ?? new() { Width = 1280, Height = 800 },
            ColorScheme = colorScheme,
            Locale = locale,
            // Journeys copy JSON and read it back, as an admin pasting it elsewhere would.
            Permissions = ["clipboard-read", "clipboard-write"],
        });
        context.SetDefaultTimeout(20_000);
        return await context.NewPageAsync();
    }

    /// <summary>
    /// After Sign out: the provider has sent the browser back to the app, which asks for a sign-in (its login page), and
    /// the session is gone for good: the Webhooks page asks again.
    /// </summary>
    public static async Task ExpectSignedOutAsync(IPage page)
    {
        await Assertions.Expect(page.GetByLabel("Password")).ToBeVisibleAsync();
        await page.GotoAsync("/admin/webhooks");
        await Assertions.Expect(page.GetByLabel("Password")).ToBeVisibleAsync();
    }

    /// <summary>Saves a screenshot for the README when WEBHOOKADMIN_SCREENSHOTS names a folder; does nothing otherwise.</summary>
    public static async Task ScreenshotForDocsAsync(IPage page, string name)
    {
        if (Environment.GetEnvironmentVariable("WEBHOOKADMIN_SCREENSHOTS") is { Length: > 0 } folder)
        {
            await WaitForAnimationsAsync(page);
            await page.ScreenshotAsync(new() { Path = Path.Combine(folder, name + ".png"), FullPage = false });
        }
    }

    /// <summary>
    /// Waits for running transitions to end: dialogs grow and snackbars fade in (axe measured a half-faded snackbar's text
    /// at 3:1). Endless animations (progress bars) are not waited for.
    /// </summary>
    public static Task WaitForAnimationsAsync(IPage page) => page.EvaluateAsync("""
        async () => {
          await new Promise(resolve => setTimeout(resolve, 150));
          await Promise.all(document.getAnimations()
            .filter(a => a.effect?.getTiming().iterations !== Infinity)
            .map(a => a.finished.catch(() => null)));
        }
        """);

    /// <summary>Clicks before the Blazor circuit is up are lost; the layout renders this marker once it is interactive.</summary>
    public static Task WaitForCircuitAsync(IPage page) =>
        page.Locator("[data-testid=circuit-ready]").WaitForAsync(new() { State = WaitForSelectorState.Attached });
}

/// <summary>The two widths the issue was tried at: a laptop and a phone.</summary>
public static class Viewports
{
    public static ViewportSize Desktop { get; } = new() { Width = 1366, Height = 850 };
    public static ViewportSize Phone { get; } = new() { Width = 390, Height = 844 };

    public static ViewportSize Named(string name) => name == nameof(Phone) ? Phone : Desktop;
}

/// <summary>The app with retries a fraction of a second apart, so a delivery's three attempts fit in a journey.</summary>
public sealed class FastRetriesApp : Tests.Support.TestApp
{
    protected override IEnumerable<string> ExtraArguments => ["--Webhooks:Delivery:RetryDelay=00:00:00.300", "--Webhooks:Delivery:Timeout=00:00:05"];
}

[CollectionDefinition(Name)]
public sealed class EndToEndCollection : ICollectionFixture<EndToEndFixture>
{
    public const string Name = "End to end";
}
