using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using WebhookAdmin.Core.Delivery;
using WebhookAdmin.Core.Storage;
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
        await SettingsPanel.ChooseTriggerAsync(page, "Create/Edit/Remove Task");
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
    public async Task A_webhook_held_for_its_probe_says_so_in_its_settings_and_a_spanish_admin_reads_it_in_spanish()
    {
        var id = await CreateAsync("Receiver On Probation");
        var probeAt = DateTime.UtcNow.AddMinutes(4);
        await using (var db = await fixture.App.Get<IDbContextFactory<WebhookAdminDbContext>>().CreateDbContextAsync())
        {
            // Where the failing-webhook check leaves a webhook past the threshold: held until its one probe.
            await db.Webhooks.Where(w => w.Id == id).ExecuteUpdateAsync(set => set
                .SetProperty(w => w.FailingSince, DateTime.UtcNow.AddDays(-6)).SetProperty(w => w.ConsecutiveFailures, 42)
                .SetProperty(w => w.ProbeAfter, probeAt));
        }

        var page = await fixture.SignInAsync("admin@acme.test", "acme-admin", $"/admin/webhooks/{id}", viewport: Viewports.Desktop);
        await EndToEndFixture.WaitForCircuitAsync(page);
        var notice = page.GetByTestId("probing");
        await Expect(notice).ToBeVisibleAsync();
        await Expect(notice).ToContainTextAsync("42 in a row");
        await Expect(notice).ToContainTextAsync("one probe delivery goes out at");
        await Expect(notice).ToContainTextAsync("If the receiver answers it, the webhook resumes by itself");
        await Expect(page.GetByTestId("auto-disabled")).ToHaveCountAsync(0);
        await Accessibility.AssertCleanAsync(page, "settings of a webhook held for its probe @ 1366");
        await page.Context.CloseAsync();

        var spanish = await fixture.SignInAsync("admin@acme.test", "acme-admin", $"/admin/webhooks/{id}", viewport: Viewports.Phone, locale: "es-CL");
        await EndToEndFixture.WaitForCircuitAsync(spanish);
        await Expect(spanish.GetByTestId("probing")).ToContainTextAsync("fallaron (42 seguidos): sus envíos quedan en espera y un envío de prueba sale el");
        await Accessibility.AssertCleanAsync(spanish, "settings of a webhook held for its probe, es-CL @ 390");
        await spanish.Context.CloseAsync();
    }

    [Fact]
    public async Task A_webhook_deactivated_for_failing_says_why_in_the_panel_and_its_settings_until_it_is_activated()
    {
        var id = await CreateAsync("Receiver Gone For Good");
        await using (var db = await fixture.App.Get<IDbContextFactory<WebhookAdminDbContext>>().CreateDbContextAsync())
        {
            await db.Webhooks.Where(w => w.Id == id).ExecuteUpdateAsync(set => set
                .SetProperty(w => w.FailingSince, DateTime.UtcNow.AddDays(-6)).SetProperty(w => w.ConsecutiveFailures, 42)
                // Its probe failed too: the check deactivates it.
                .SetProperty(w => w.ProbeAfter, DateTime.UtcNow.AddMinutes(-2)).SetProperty(w => w.ProbedAt, DateTime.UtcNow.AddMinutes(-1)));
        }
        await fixture.App.Get<FailingWebhooks>().CheckAsync(CancellationToken.None);
        var page = await fixture.SignInAsync("admin@acme.test", "acme-admin");
        await EndToEndFixture.WaitForCircuitAsync(page);
        await page.GetByTestId("webhooks-search").FillAsync("Receiver Gone");
        await page.GetByRole(AriaRole.Button, new() { Name = "More options" }).ClickAsync();
        await page.GetByRole(AriaRole.Menuitem, new() { Name = "Show disabled" }).ClickAsync();

        var row = page.GetByTestId("webhooks-table").Locator("tbody tr").Filter(new() { HasText = "Receiver Gone For Good" });
        await Expect(row.GetByTestId("auto-disabled")).ToBeVisibleAsync();
        await Expect(row.GetByTestId("auto-disabled")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(
            @"^Deactivated automatically: every delivery since .+ failed \(42 in a row\)\.$"));

        await row.GetByRole(AriaRole.Link, new() { Name = "Edit Receiver Gone For Good" }).ClickAsync();
        await EndToEndFixture.WaitForCircuitAsync(page);
        var notice = page.GetByTestId("auto-disabled");
        await Expect(notice).ToBeVisibleAsync();
        await Expect(notice).ToContainTextAsync("Deactivated automatically on");
        await Expect(notice).ToContainTextAsync("42 in a row");
        await ToggleActiveAsync(page);
        await Expect(page.GetByText("Webhook activated", new() { Exact = false })).ToBeVisibleAsync();
        await Expect(notice).ToHaveCountAsync(0);
        Assert.Null((await Webhooks.GetAsync(Ids.Acme, id))!.DisabledReason);
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
        await Expect(dialog.GetByRole(AriaRole.Listitem)).ToHaveTextAsync(["Bulk Alpha", "Bulk Beta"]);
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
    public async Task Columns_keep_their_width_when_show_disabled_adds_a_marked_row()
    {
        await CreateAsync("Steady columns active");
        var disabled = await CreateAsync("Steady columns disabled with a name long enough to need its marker on a second line");
        await Webhooks.SetActiveAsync(Ids.Acme, disabled, false);
        var page = await fixture.SignInAsync("admin@acme.test", "acme-admin", viewport: Viewports.Desktop);
        await EndToEndFixture.WaitForCircuitAsync(page);
        var rows = page.GetByTestId("webhooks-table").Locator("tbody tr");
        // Typed once the first page is on screen, as an admin would: typed while it was still loading, the search once
        // left the unfiltered rows in place (see the closing note of issue 10).
        await Expect(rows.First).ToBeVisibleAsync();
        await page.GetByTestId("webhooks-search").FillAsync("Steady columns");
        await Expect(rows).ToHaveCountAsync(1);
        var before = await ColumnWidthsAsync(page);

        await page.GetByRole(AriaRole.Button, new() { Name = "More options" }).ClickAsync();
        await page.GetByRole(AriaRole.Menuitem, new() { Name = "Show disabled" }).ClickAsync();

        await Expect(rows).ToHaveCountAsync(2);
        await Expect(rows.Nth(1)).ToContainTextAsync("Disabled");
        Assert.Equal(before, await ColumnWidthsAsync(page));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_long_url_wraps_between_its_parts_never_inside_a_host_label_or_a_word()
    {
        const string url = "https://webhooks-receiver.integration-platform.example.com/api/v2/integrations/webhooks/incoming?source=webhookadmin&tenant=acme-production&format=json";
        await Webhooks.CreateAsync(Ids.Acme, new WebhookDraft("Wrapping url", url, WebhookTrigger.User));
        var page = await fixture.SignInAsync("admin@acme.test", "acme-admin", viewport: Viewports.Desktop);
        await EndToEndFixture.WaitForCircuitAsync(page);
        await page.GetByTestId("webhooks-search").FillAsync("Wrapping url");
        var shown = page.GetByTestId("webhooks-table").Locator(".webhook-url").First;
        await Expect(shown).ToHaveTextAsync(url);

        // Where the browser put each line break: the index of the first character on every line after the first.
        var breaks = await shown.EvaluateAsync<int[]>("""
            cell => {
              const text = cell.textContent, range = document.createRange(), starts = [];
              let offset = 0, lastTop = null;
              const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
              for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                for (let i = 0; i < node.length; i++, offset++) {
                  range.setStart(node, i); range.setEnd(node, i + 1);
                  const top = Math.round(range.getBoundingClientRect().top);
                  if (lastTop !== null && top > lastTop + 2) starts.push(offset);
                  lastTop = top;
                }
              }
              return starts;
            }
            """);

        Assert.NotEmpty(breaks);
        foreach (var at in breaks)
            Assert.True(url[at - 1] is '/' or '-' || url[at] is '.' or '?' or '&' or '=' or '#',
                $"The url breaks inside a word: \"{url[..at]}\" | \"{url[at..]}\".");
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
        Assert.False(await PhoneJourneys.ScrollsSidewaysAsync(page), "The panel scrolls sideways at 390 px.");

        await row.GetByRole(AriaRole.Link, new() { Name = "Edit Narrow window webhook with a rather long descriptive name" }).ClickAsync();
        await Expect(page.GetByTestId("field-identifier")).ToHaveValueAsync(id);
        await Expect(page.GetByTestId("save")).ToBeInViewportAsync();
        Assert.False(await PhoneJourneys.ScrollsSidewaysAsync(page), "The settings panel scrolls sideways at 390 px.");
        await page.Context.CloseAsync();
    }


    private static Task<double[]> ColumnWidthsAsync(IPage page) =>
        page.GetByTestId("webhooks-table").Locator("thead th").EvaluateAllAsync<double[]>("ths => ths.map(th => th.getBoundingClientRect().width)");

    private async Task<string> CreateAsync(string name) =>
        ((WebhookOutcome.Saved)await Webhooks.CreateAsync(Ids.Acme, new WebhookDraft(name, $"https://{name.Replace(' ', '-').ToLowerInvariant()}.example/hook", WebhookTrigger.User))).Webhook.Id;

    /// <summary>The switch's input is visually hidden behind its track, so the admin clicks the track.</summary>
    private static Task ToggleActiveAsync(IPage page) => page.Locator(".settings-actions label.mud-switch").ClickAsync();
}
