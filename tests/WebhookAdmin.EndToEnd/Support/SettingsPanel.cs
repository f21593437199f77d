using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace WebhookAdmin.EndToEnd.Support;

/// <summary>What journeys do on the settings panel, the way an admin's mouse and eyes do it.</summary>
public static class SettingsPanel
{
    public static ILocator Field(IPage page, string name) => page.GetByTestId($"field-{name}");

    /// <summary>Opens the Trigger select, picks the item with that label and waits for the list to close (a click while it
    /// closes can land on its overlay instead of, say, Save).</summary>
    public static async Task ChooseTriggerAsync(IPage page, string label)
    {
        await page.Locator(".mud-select").Filter(new() { Has = Field(page, "trigger") }).Locator(".mud-input-control").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasText = label }).ClickAsync();
        await Expect(Field(page, "trigger")).ToHaveAttributeAsync("aria-expanded", "false");
        await Expect(page.Locator(".mud-popover-open")).ToHaveCountAsync(0);
    }

    /// <summary>The field is marked invalid for assistive technology, describes itself with the message, and shows it under itself.</summary>
    public static async Task ExpectErrorAsync(IPage page, string name, string message)
    {
        var input = Field(page, name);
        await Expect(input).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(input).ToHaveAccessibleDescriptionAsync(new Regex(Regex.Escape(message)));
        await Expect(page.Locator(".mud-input-control").Filter(new() { Has = input }).Locator(".mud-input-helper-text"))
            .ToContainTextAsync(message);
    }

    public static Task ExpectNoErrorAsync(IPage page, string name) =>
        Expect(Field(page, name)).ToHaveAttributeAsync("aria-invalid", "false");
}
