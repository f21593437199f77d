using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using WebhookAdmin.Core;
using WebhookAdmin.Core.Webhooks;
using WebhookAdmin.EndToEnd.Support;
using WebhookAdmin.Tests.Support;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;
using static WebhookAdmin.EndToEnd.Support.SettingsPanel;

namespace WebhookAdmin.EndToEnd.Journeys;

[Collection(EndToEndCollection.Name)]
public sealed class NamedPickerJourneys(EndToEndFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task The_platform_names_a_workflow_the_admin_picks_it_by_name_and_the_webhook_stores_its_id()
    {
        // The host platform keeps the directory current over the API; a suffix keeps this journey's entry its own.
        var workflow = ObjectId.NewId();
        var suffix = workflow[^6..];
        var name = $"Work orders {suffix}";
        using (var platform = await fixture.App.ApiClientAsync())
            (await platform.PutAsJsonAsync($"/api/v3/webhook/directory/workflow/{workflow}", new { name })).EnsureSuccessStatusCode();

        var page = await fixture.SignInAsync("admin@acme.test", "acme-admin", "/admin/webhooks/new");
        await EndToEndFixture.WaitForCircuitAsync(page);
        await Field(page, "name").FillAsync($"Named picker {suffix}");
        await Field(page, "url").FillAsync("https://www.server.com/named-picker");
        await ChooseTriggerAsync(page, "Create/Edit/Remove Task");

        // Part of the name, in another case, key by key as an admin types it.
        // At a person's pace (100 ms a key): typed with no pause, the server's re-render for the first keys could land
        // after the next ones and put back the text of its time (seen under load: "ers 554" left of "ORDERS 554f").
        await Field(page, "workflow").PressSequentiallyAsync($"ORDERS {suffix[..4]}", new() { Delay = 100 });
        await Expect(Field(page, "workflow")).ToHaveValueAsync(new Regex($"^orders {suffix[..4]}$", RegexOptions.IgnoreCase));
        var option = page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasText = $"{name} · {workflow}" });
        await Expect(option).ToBeVisibleAsync();
        output.WriteLine(await Accessibility.AssertCleanAsync(page, "settings panel, workflow picker open"));
        await option.ClickAsync();

        await Expect(Field(page, "workflow")).ToHaveValueAsync(workflow);
        await Expect(Field(page, "workflow")).ToHaveAccessibleDescriptionAsync(new Regex(Regex.Escape($"Name in the directory: {name}")));
        output.WriteLine(await Accessibility.AssertCleanAsync(page, "settings panel, named workflow picked"));
        await page.GetByTestId("save").ClickAsync();
        await Expect(page.GetByText($"Webhook \"Named picker {suffix}\" created.")).ToBeVisibleAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/admin/webhooks/[0-9a-f]{24}$"));
        var id = page.Url[^24..];
        Assert.Equal(workflow, (await fixture.App.Get<WebhookService>().GetAsync(Ids.Acme, id))!.Context.TaskGroup);

        // Reopened later: the field holds the id and names it.
        await page.GotoAsync("/admin/webhooks");
        await EndToEndFixture.WaitForCircuitAsync(page);
        await page.GotoAsync($"/admin/webhooks/{id}");
        await EndToEndFixture.WaitForCircuitAsync(page);
        await Expect(Field(page, "workflow")).ToHaveValueAsync(workflow);
        await Expect(Field(page, "workflow")).ToHaveAccessibleDescriptionAsync(new Regex(Regex.Escape($"Name in the directory: {name}")));
        await page.Context.CloseAsync();
    }
}
