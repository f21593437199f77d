using Microsoft.Playwright;
using WebhookAdmin.EndToEnd.Support;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace WebhookAdmin.EndToEnd.Journeys;

[Collection(EndToEndCollection.Name)]
public sealed class ColorSchemeJourneys(EndToEndFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task Dark_follows_the_browser_and_the_admins_own_choice_is_remembered()
    {
        var page = await fixture.SignInAsync("admin@acme.test", "acme-admin", colorScheme: ColorScheme.Dark);
        await EndToEndFixture.WaitForCircuitAsync(page);
        var scheme = page.Locator("[data-color-scheme]");
        var toggle = page.GetByRole(AriaRole.Button, new() { Name = "Dark mode" });

        await Expect(scheme).ToHaveAttributeAsync("data-color-scheme", "dark");
        await Expect(toggle).ToHaveAttributeAsync("aria-pressed", "true");
        Assert.True(await BackgroundLuminanceAsync(page) < 0.1, "A dark-preferring browser got a light page.");
        output.WriteLine(await Accessibility.AssertCleanAsync(page, "Webhooks panel, dark @ 1280×800"));
        await EndToEndFixture.ScreenshotForDocsAsync(page, "dark-mode");

        await toggle.ClickAsync();
        await Expect(scheme).ToHaveAttributeAsync("data-color-scheme", "light");
        await page.ReloadAsync();
        await EndToEndFixture.WaitForCircuitAsync(page);

        await Expect(scheme).ToHaveAttributeAsync("data-color-scheme", "light");
        await Expect(toggle).ToHaveAttributeAsync("aria-pressed", "false");
        Assert.True(await BackgroundLuminanceAsync(page) > 0.9, "The remembered light choice was not kept.");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_light_browser_gets_a_light_page_until_dark_is_chosen()
    {
        var page = await fixture.SignInAsync("admin@acme.test", "acme-admin", "/admin/webhooks/new");
        await EndToEndFixture.WaitForCircuitAsync(page);
        await Expect(page.Locator("[data-color-scheme]")).ToHaveAttributeAsync("data-color-scheme", "light");

        await page.GetByRole(AriaRole.Button, new() { Name = "Dark mode" }).ClickAsync();

        await Expect(page.Locator("[data-color-scheme]")).ToHaveAttributeAsync("data-color-scheme", "dark");
        await page.GetByTestId("save").ClickAsync();
        await Expect(page.GetByText("Name is required.")).ToBeVisibleAsync();
        output.WriteLine(await Accessibility.AssertCleanAsync(page, "settings panel with errors, dark @ 1280×800"));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_dark_browser_never_sees_the_light_page_flash_before_the_dark_theme()
    {
        var page = await fixture.SignInAsync("admin@acme.test", "acme-admin", colorScheme: ColorScheme.Dark);
        await EndToEndFixture.WaitForCircuitAsync(page);
        // Every frame from the first one of the next load: a visible page title on a light background is the flash.
        await page.AddInitScriptAsync("""
            window.__frames = [];
            const sample = () => {
              if (document.body) {
                const [r, g, b] = getComputedStyle(document.body).backgroundColor.match(/\d+/g).map(Number);
                const title = document.querySelector("h1");
                window.__frames.push({ light: (r + g + b) / 3 > 128, titleShown: !!title && getComputedStyle(title).visibility === "visible" });
              }
              if (window.__frames.length < 600) requestAnimationFrame(sample);
            };
            requestAnimationFrame(sample);
            """);

        await page.ReloadAsync();
        await EndToEndFixture.WaitForCircuitAsync(page);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Webhooks", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.Locator("[data-color-scheme]")).ToHaveAttributeAsync("data-color-scheme", "dark");

        var shown = await page.EvaluateAsync<int>("() => window.__frames.filter(f => f.titleShown).length");
        var flashes = await page.EvaluateAsync<int>("() => window.__frames.filter(f => f.titleShown && f.light).length");
        Assert.True(shown > 0, "No frame showed the page at all.");
        Assert.Equal(0, flashes);
        await page.Context.CloseAsync();
    }

    /// <summary>Relative luminance (0 black – 1 white) of the page background the admin sees.</summary>
    private static Task<double> BackgroundLuminanceAsync(IPage page) => page.EvaluateAsync<double>("""
        () => {
          const [r, g, b] = getComputedStyle(document.body).backgroundColor.match(/\d+/g).map(Number).map(c => c / 255)
            .map(c => c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4));
          return 0.2126 * r + 0.7152 * g + 0.0722 * b;
        }
        """);
}
