using Microsoft.Playwright;
using WebhookAdmin.Core.Webhooks;
using WebhookAdmin.EndToEnd.Support;
using WebhookAdmin.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace WebhookAdmin.EndToEnd.Journeys;

[Collection(EndToEndCollection.Name)]
public sealed class WebhookJourneys(EndToEndFixture fixture)
{
    private WebhookService Webhooks => fixture.App.Get<WebhookService>();

    [Fact]
    public async Task Admin_creates_a_task_webhook_edits_it_deactivates_it_finds_it_under_show_disabled_and_reactivates_it()
    {
        var page = await fixture.SignInAsync("admin@acme.test", "acme-admin");
        await EndToEndFixture.WaitForCircuitAsync(page);

        // Create: the + opens an empty settings panel; the code follows the name.
        await page.GetByRole(AriaRole.Link, new() { Name = "Create webhook" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "New webhook" })).ToBeVisibleAsync();
        await EndToEndFixture.WaitForCircuitAsync(page);
        await page.GetByTestId("field-name").FillAsync("Work Orders Update");
        await Expect(page.GetByTestId("field-code")).ToHaveValueAsync("work_orders_update");
        await page.GetByTestId("field-url").FillAsync("https://www.server.com/work-orders");
        await page.GetByTestId("field-description").FillAsync("Sends updates on Work Orders");
        await ChooseTriggerAsync(page, "Create/Edit/Remove Task");
        await page.GetByTestId("field-workflow").FillAsync(Ids.Workflow);
        await page.GetByTestId("field-workflow").PressAsync("Tab");
        await EndToEndFixture.ScreenshotForDocsAsync(page, "settings-panel");
        await page.GetByTestId("save").ClickAsync();

        await Expect(page.GetByText("Webhook \"Work Orders Update\" created.")).ToBeVisibleAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/admin/webhooks/[0-9a-f]{24}$"));
        var id = page.Url[^24..];
        await Expect(page.GetByTestId("field-identifier")).ToHaveValueAsync(id);
        await Expect(page.GetByTestId("field-code")).ToHaveAttributeAsync("readonly", "");
        var created = await Webhooks.GetAsync(Ids.Acme, id);
        Assert.Equal((WebhookTrigger.Task, Ids.Workflow, "work_orders_update"), (created!.Trigger, created.Context.TaskGroup, created.Code));

        // Edit, and the guard: leaving with unsaved changes asks first.
        await page.GetByTestId("field-url").FillAsync("https://www.server.com/work-orders/v2");
        await page.GetByRole(AriaRole.Link, new() { Name = "Back to webhooks" }).ClickAsync();
        await Expect(page.GetByText("Discard unsaved changes?")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Keep editing" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"/admin/webhooks/{id}$"));
        await page.GetByTestId("save").ClickAsync();
        await Expect(page.GetByText("Changes saved.")).ToBeVisibleAsync();
        Assert.Equal("https://www.server.com/work-orders/v2", (await Webhooks.GetAsync(Ids.Acme, id))!.Url);

        // Deactivate with the switch; the panel hides it until "Show disabled".
        await ToggleActiveAsync(page);
        await Expect(page.GetByText("Webhook deactivated", new() { Exact = false })).ToBeVisibleAsync();
        Assert.False((await Webhooks.GetAsync(Ids.Acme, id))!.IsActive);
        await page.GetByRole(AriaRole.Link, new() { Name = "Back to webhooks" }).ClickAsync();
        await EndToEndFixture.WaitForCircuitAsync(page);
        await page.GetByTestId("webhooks-search").FillAsync("work_orders_update");
        var table = page.GetByTestId("webhooks-table");
        await Expect(table).Not.ToContainTextAsync("Work Orders Update");

        await page.GetByRole(AriaRole.Button, new() { Name = "More options" }).ClickAsync();
        await page.GetByRole(AriaRole.Menuitem, new() { Name = "Show disabled" }).ClickAsync();
        var row = table.Locator("tbody tr").Filter(new() { HasText = "Work Orders Update" });
        await Expect(row).ToContainTextAsync("Disabled");
        await Expect(row).ToContainTextAsync("Create/Edit/Remove Task");

        // Reactivate from its settings panel, reached by the pen.
        await row.GetByRole(AriaRole.Link, new() { Name = "Edit Work Orders Update" }).ClickAsync();
        await EndToEndFixture.WaitForCircuitAsync(page);
        await Expect(page.GetByTestId("field-identifier")).ToHaveValueAsync(id);
        await ToggleActiveAsync(page);
        await Expect(page.GetByText("Webhook activated", new() { Exact = false })).ToBeVisibleAsync();
        Assert.True((await Webhooks.GetAsync(Ids.Acme, id))!.IsActive);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Admin_bulk_deactivates_two_checked_webhooks()
    {
        var first = await CreateAsync("Bulk Alpha");
        var second = await CreateAsync("Bulk Beta");
        var untouched = await CreateAsync("Bulk Gamma");
        var page = await fixture.SignInAsync("admin@acme.test", "acme-admin");
        await EndToEndFixture.WaitForCircuitAsync(page);
        await page.GetByTestId("webhooks-search").FillAsync("Bulk ");
        var rows = page.GetByTestId("webhooks-table").Locator("tbody tr");
        await Expect(rows).ToHaveCountAsync(3);

        await rows.Filter(new() { HasText = "Bulk Alpha" }).GetByRole(AriaRole.Checkbox).CheckAsync();
        await rows.Filter(new() { HasText = "Bulk Beta" }).GetByRole(AriaRole.Checkbox).CheckAsync();
        await Expect(page.GetByTestId("selection-bar")).ToContainTextAsync("2 webhooks selected");
        await EndToEndFixture.ScreenshotForDocsAsync(page, "webhooks-panel");
        await page.GetByTestId("selection-bar").GetByRole(AriaRole.Button, new() { Name = "Deactivate" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Expect(dialog).ToContainTextAsync("Deactivate 2 webhooks?");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Deactivate" }).ClickAsync();

        await Expect(page.GetByText("2 webhooks deactivated.")).ToBeVisibleAsync();
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows).ToContainTextAsync("Bulk Gamma");
        Assert.False((await Webhooks.GetAsync(Ids.Acme, first))!.IsActive);
        Assert.False((await Webhooks.GetAsync(Ids.Acme, second))!.IsActive);
        Assert.True((await Webhooks.GetAsync(Ids.Acme, untouched))!.IsActive);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Panel_and_settings_panel_fit_a_phone_sized_window()
    {
        var id = await CreateAsync("Narrow window webhook with a rather long descriptive name");
        var page = await fixture.SignInAsync("admin@acme.test", "acme-admin");
        await page.SetViewportSizeAsync(390, 844);
        await EndToEndFixture.WaitForCircuitAsync(page);
        await page.GetByTestId("webhooks-search").FillAsync("Narrow window");

        var row = page.GetByTestId("webhooks-table").Locator("tbody tr").Filter(new() { HasText = "Narrow window webhook" });
        await Expect(row).ToContainTextAsync("https://narrow-window-webhook-with-a-rather-long-descriptive-name.example/hook");
        Assert.False(await ScrollsSidewaysAsync(page), "The panel scrolls sideways at 390 px.");

        await row.GetByRole(AriaRole.Link, new() { Name = "Edit Narrow window webhook with a rather long descriptive name" }).ClickAsync();
        await Expect(page.GetByTestId("field-identifier")).ToHaveValueAsync(id);
        await Expect(page.GetByTestId("save")).ToBeInViewportAsync();
        Assert.False(await ScrollsSidewaysAsync(page), "The settings panel scrolls sideways at 390 px.");
        await page.Context.CloseAsync();
    }

    private static Task<bool> ScrollsSidewaysAsync(IPage page) =>
        page.EvaluateAsync<bool>("document.documentElement.scrollWidth > document.documentElement.clientWidth + 1");

    private async Task<string> CreateAsync(string name) =>
        ((WebhookOutcome.Saved)await Webhooks.CreateAsync(Ids.Acme, new WebhookDraft(name, $"https://{name.Replace(' ', '-').ToLowerInvariant()}.example/hook", WebhookTrigger.User))).Webhook.Id;

    /// <summary>The switch's input is visually hidden behind its track, so the admin clicks the track.</summary>
    private static Task ToggleActiveAsync(IPage page) => page.Locator(".settings-actions label.mud-switch").ClickAsync();

    private static async Task ChooseTriggerAsync(IPage page, string label)
    {
        await page.Locator(".mud-select").Filter(new() { HasText = "Trigger" }).Locator(".mud-input-control").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasText = label }).ClickAsync();
    }
}
