using System.Text.Json;
using Microsoft.Playwright;
using WebhookAdmin.Core.Events;
using WebhookAdmin.Core.Webhooks;
using WebhookAdmin.EndToEnd.Support;
using WebhookAdmin.Tests.Delivery.Support;
using WebhookAdmin.Tests.Support;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace WebhookAdmin.EndToEnd.Journeys;

[Collection(EndToEndCollection.Name)]
public sealed class AccessibilityJourneys(EndToEndFixture fixture, ITestOutputHelper output)
{
    private WebhookService Webhooks => fixture.App.Get<WebhookService>();

    [Theory]
    [InlineData(nameof(Viewports.Desktop))]
    [InlineData(nameof(Viewports.Phone))]
    public async Task Every_screen_of_an_admins_day_has_no_critical_or_serious_axe_violation(string width)
    {
        await using var receiver = await Receiver.StartAsync(Answers.Status(200, """{"ok":true,"note":null}"""));
        var webhook = await CreateAsync($"Audited {width}", receiver.Url);
        await fixture.App.Get<IEventPublisher>().PublishAsync(Ids.Acme,
            new CotEvent(CotEventTypes.User, CotEventNames.Edit, JsonSerializer.SerializeToElement(new { name = "Ada", avatar = (string?)null })));
        var page = await fixture.SignInAsync("admin@acme.test", "acme-admin", viewport: Viewports.Named(width));
        await EndToEndFixture.WaitForCircuitAsync(page);
        var size = $"{Viewports.Named(width).Width}×{Viewports.Named(width).Height}";

        await Expect(page.GetByTestId("webhooks-table")).ToContainTextAsync($"Audited {width}");
        output.WriteLine(await Accessibility.AssertCleanAsync(page, $"Webhooks panel @ {size}"));

        // The bell stays in the bar at both widths; its list is a menu of links, checked open.
        await page.GetByTestId("notice-bell").GetByRole(AriaRole.Button).ClickAsync();
        await Expect(page.Locator(".notice-list.mud-popover-open")).ToBeVisibleAsync();
        output.WriteLine(await Accessibility.AssertCleanAsync(page, $"notification list open @ {size}"));
        await page.GetByTestId("notice-bell").GetByRole(AriaRole.Button).ClickAsync();
        await Expect(page.Locator(".notice-list.mud-popover-open")).ToHaveCountAsync(0);

        await page.GotoAsync("/admin/webhooks/new");
        await EndToEndFixture.WaitForCircuitAsync(page);
        output.WriteLine(await Accessibility.AssertCleanAsync(page, $"settings panel, new @ {size}"));

        await page.GetByTestId("save").ClickAsync();
        await Expect(page.GetByText("Name is required.")).ToBeVisibleAsync();
        output.WriteLine(await Accessibility.AssertCleanAsync(page, $"settings panel with errors @ {size}"));

        await page.GotoAsync($"/admin/webhooks/{webhook.Id}");
        await EndToEndFixture.WaitForCircuitAsync(page);
        await Expect(page.GetByTestId("field-identifier")).ToHaveValueAsync(webhook.Id);
        output.WriteLine(await Accessibility.AssertCleanAsync(page, $"settings panel, saved @ {size}"));

        await page.GetByTestId("endpoint-auth-section").GetByText("Endpoint authentication", new() { Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Add header" }).ClickAsync();
        await Expect(page.GetByTestId("auth-header-name")).ToBeVisibleAsync();
        output.WriteLine(await Accessibility.AssertCleanAsync(page, $"endpoint authentication open @ {size}"));
        await EndToEndFixture.ScreenshotForDocsAsync(page, $"endpoint-authentication-{width.ToLowerInvariant()}");

        await page.GetByTestId("filter-section").GetByText("Payload filter", new() { Exact = true }).ClickAsync();
        await page.GetByTestId("filter-add").ClickAsync();
        await page.GetByTestId("filter-path").FillAsync("data.name");
        await Expect(page.GetByTestId("filter-path")).ToHaveValueAsync("data.name");
        // Tab, as a keyboard user leaves the field: the path's suggestions close (they may cover the buttons on a phone).
        await page.GetByTestId("filter-path").PressAsync("Tab");
        await Expect(page.Locator(".mud-popover-open")).ToHaveCountAsync(0);
        await page.GetByTestId("filter-value").FillAsync("Ada");
        await Expect(page.GetByTestId("filter-path")).ToHaveValueAsync("data.name");
        await page.GetByTestId("filter-test").ClickAsync();
        await Expect(page.GetByTestId("filter-result-row")).ToHaveCountAsync(1);
        output.WriteLine(await Accessibility.AssertCleanAsync(page, $"payload filter tried on the logs @ {size}"));
        await page.GetByTestId("filter-results").ScrollIntoViewIfNeededAsync();
        await EndToEndFixture.ScreenshotForDocsAsync(page, $"payload-filter-{width.ToLowerInvariant()}");

        await page.GetByTestId("receiver-key-section").GetByText("Receiver key", new() { Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Create key" }).ClickAsync();
        await Expect(page.GetByTestId("new-receiver-key")).ToBeVisibleAsync();
        output.WriteLine(await Accessibility.AssertCleanAsync(page, $"receiver key just made @ {size}"));
        await page.GetByTestId("new-receiver-key").ScrollIntoViewIfNeededAsync();
        await EndToEndFixture.ScreenshotForDocsAsync(page, $"receiver-key-{width.ToLowerInvariant()}");

        await page.GetByTestId("event-catalogue-section").GetByText("What this trigger sends", new() { Exact = true }).ClickAsync();
        await page.GetByTestId("event-kinds").GetByRole(AriaRole.Button, new() { Name = "edit" }).ClickAsync();
        await Expect(page.GetByTestId("event-example")).ToBeVisibleAsync();
        output.WriteLine(await Accessibility.AssertCleanAsync(page, $"event catalogue open @ {size}"));

        await page.GotoAsync($"/admin/webhooks/{webhook.Id}?tab=logs");
        await EndToEndFixture.WaitForCircuitAsync(page);
        await Expect(page.GetByTestId("logs-table").Locator(".log-result")).ToHaveTextAsync(["SUCCESS"], new() { Timeout = 15_000 });
        output.WriteLine(await Accessibility.AssertCleanAsync(page, $"Logs tab @ {size}"));

        await page.GetByTestId("recovery-open").ClickAsync();
        await Expect(page.GetByTestId("recovery-form")).ToBeVisibleAsync();
        output.WriteLine(await Accessibility.AssertCleanAsync(page, $"Resend failed since… form @ {size}"));
        await page.GetByTestId("recovery-start").ClickAsync();
        await Expect(page.GetByTestId("recovery-progress")).ToHaveAttributeAsync("data-state", "completed");
        output.WriteLine(await Accessibility.AssertCleanAsync(page, $"bulk recovery progress @ {size}"));

        await page.GetByRole(AriaRole.Button, new() { Name = "Logs of delivery" }).ClickAsync();
        await Expect(page.GetByTestId("log-panel")).ToBeVisibleAsync();
        output.WriteLine(await Accessibility.AssertCleanAsync(page, $"open log @ {size}"));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Sort_headers_are_reached_with_tab_and_sort_with_enter()
    {
        await CreateAsync("Keyboard sort B", "https://a.keyboard-sort.example/hook");
        await CreateAsync("Keyboard sort A", "https://b.keyboard-sort.example/hook");
        var page = await fixture.SignInAsync("admin@acme.test", "acme-admin", viewport: Viewports.Desktop);
        await EndToEndFixture.WaitForCircuitAsync(page);
        await page.GetByTestId("webhooks-search").FillAsync("keyboard-sort");
        var names = page.GetByTestId("webhooks-table").Locator("tbody .webhook-name");
        await Expect(names).ToHaveTextAsync(["Keyboard sort A", "Keyboard sort B"]);

        await page.GetByRole(AriaRole.Checkbox, new() { Name = "Select every webhook on this page" }).FocusAsync();
        foreach (var header in new[] { "Name", "Trigger", "Url" })
        {
            await page.Keyboard.PressAsync("Tab");
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = header, Exact = true })).ToBeFocusedAsync();
        }
        await page.Keyboard.PressAsync("Enter");

        await Expect(names).ToHaveTextAsync(["Keyboard sort B", "Keyboard sort A"]);
        await Expect(page.GetByRole(AriaRole.Columnheader, new() { Name = "Url" })).ToHaveAttributeAsync("aria-sort", "ascending");
        await Expect(page.GetByRole(AriaRole.Columnheader, new() { Name = "Name" })).ToHaveAttributeAsync("aria-sort", "none");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Each_row_checkbox_is_named_after_its_webhook()
    {
        await CreateAsync("Labelled Alpha", "https://labelled.example/alpha");
        await CreateAsync("Labelled Beta", "https://labelled.example/beta");
        var page = await fixture.SignInAsync("admin@acme.test", "acme-admin");
        await EndToEndFixture.WaitForCircuitAsync(page);
        await page.GetByTestId("webhooks-search").FillAsync("Labelled");

        await page.GetByRole(AriaRole.Checkbox, new() { Name = "Select Labelled Beta", Exact = true }).CheckAsync();

        await Expect(page.GetByTestId("selection-bar")).ToContainTextAsync("1 webhook selected");
        await Expect(page.GetByRole(AriaRole.Checkbox, new() { Name = "Select Labelled Alpha", Exact = true })).Not.ToBeCheckedAsync();
        await Expect(page.GetByRole(AriaRole.Checkbox, new() { Name = "Select row" })).ToHaveCountAsync(0);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Keyboard_focus_shows_a_clear_ring_on_checkboxes_the_switch_and_save()
    {
        var webhook = await CreateAsync("Focus ring", "https://focus-ring.example/hook");
        var page = await fixture.SignInAsync("admin@acme.test", "acme-admin");
        await EndToEndFixture.WaitForCircuitAsync(page);
        await page.GetByTestId("webhooks-search").FillAsync("Focus ring");

        await TabToAsync(page, page.GetByRole(AriaRole.Checkbox, new() { Name = "Select Focus ring" }));
        await AssertRingAsync(page, ".mud-button-root", "row checkbox");

        await page.GotoAsync($"/admin/webhooks/{webhook.Id}");
        await EndToEndFixture.WaitForCircuitAsync(page);
        await TabToAsync(page, page.GetByRole(AriaRole.Switch));
        await AssertRingAsync(page, ".mud-switch-base", "Active switch");
        await page.Keyboard.PressAsync("Tab");
        await Expect(page.GetByTestId("save")).ToBeFocusedAsync();
        await AssertRingAsync(page, ".mud-button-root", "Save");
        await page.Context.CloseAsync();
    }

    private async Task<Webhook> CreateAsync(string name, string url) =>
        ((WebhookOutcome.Saved)await Webhooks.CreateAsync(Ids.Acme, new WebhookDraft(name, url, WebhookTrigger.User))).Webhook;

    /// <summary>Focus reached by the keyboard (Shift+Tab, Tab), which is what makes the browser show :focus-visible.</summary>
    private static async Task TabToAsync(IPage page, ILocator target)
    {
        await target.FocusAsync();
        await page.Keyboard.PressAsync("Shift+Tab");
        await page.Keyboard.PressAsync("Tab");
        await Expect(target).ToBeFocusedAsync();
    }

    /// <summary>The focused control's visible part (its closest <paramref name="visiblePart"/>) has a solid outline of 2 px or more.</summary>
    private static async Task AssertRingAsync(IPage page, string visiblePart, string what)
    {
        var ring = await page.EvaluateAsync<string>("""
            selector => {
              const box = document.activeElement.closest(selector);
              const style = getComputedStyle(box);
              return style.outlineStyle + " " + parseFloat(style.outlineWidth);
            }
            """, visiblePart);
        var parts = ring.Split(' ');
        Assert.True(parts[0] == "solid" && double.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) >= 2, $"{what}: focus outline is '{ring}'.");
    }
}
