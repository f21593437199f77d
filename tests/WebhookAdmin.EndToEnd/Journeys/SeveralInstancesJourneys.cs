using System.Net;
using System.Net.Http.Json;
using Microsoft.Playwright;
using WebhookAdmin.EndToEnd.Support;
using WebhookAdmin.Tests.Delivery.Support;
using WebhookAdmin.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace WebhookAdmin.EndToEnd.Journeys;

/// <summary>The several-instance mode as the README has a newcomer try it: <c>deploy/several-instances.sh</c>, then a browser on nginx.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class SeveralInstancesJourneys(EndToEndFixture fixture)
{
    [Fact]
    public async Task Through_nginx_an_admin_signs_in_creates_a_webhook_and_watches_its_logs_fill_without_leaving_nginxs_address()
    {
        await using var receiver = await Receiver.StartAsync();
        await using var script = await SeveralInstancesScript.StartAsync();
        var context = await fixture.Browser.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = script.Balancer.ToString() });
        context.SetDefaultTimeout(20_000);
        try
        {
            var page = await context.NewPageAsync();
            var addresses = new List<string>();
            page.FrameNavigated += (_, frame) =>
            {
                if (frame == page.MainFrame)
                    lock (addresses)
                        addresses.Add(frame.Url);
            };
            await page.GotoAsync("/admin/webhooks");
            await page.Locator("#email").FillAsync("admin@acme.test");
            await page.Locator("#password").FillAsync("acme-admin");
            await page.Locator("form button[type=submit]").ClickAsync();
            await EndToEndFixture.WaitForCircuitAsync(page);
            await Expect(page.GetByTestId("empty-state")).ToBeVisibleAsync();

            // The circuit's WebSocket goes through nginx: the code follows the name as it is typed.
            await page.GetByRole(AriaRole.Link, new() { Name = "Create webhook" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "New webhook" })).ToBeVisibleAsync();
            await EndToEndFixture.WaitForCircuitAsync(page);
            await page.GetByTestId("field-name").FillAsync("Through nginx");
            await Expect(page.GetByTestId("field-code")).ToHaveValueAsync("through_nginx");
            await page.GetByTestId("field-url").FillAsync(receiver.Url);
            await SettingsPanel.ChooseTriggerAsync(page, "Create/Edit/Remove User");
            await page.GetByTestId("save").ClickAsync();
            await Expect(page.GetByText("Webhook \"Through nginx\" created.")).ToBeVisibleAsync();
            await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/admin/webhooks/[0-9a-f]{24}$"));

            await page.GotoAsync($"{page.Url}?tab=logs");
            await EndToEndFixture.WaitForCircuitAsync(page);
            using var api = await script.ApiClientAsync();
            var events = Enumerable.Range(0, 3).Select(n => new { id = $"through-nginx-{n}", type = "COTUser", @event = "edit", data = new { n } }).ToArray();
            using var published = await api.PostAsJsonAsync("/api/v3/webhook/events", events);
            Assert.Equal(HttpStatusCode.OK, published.StatusCode);

            // Whichever instance delivers, the open Logs tab hears of it.
            await Expect(page.GetByTestId("logs-table").Locator(".log-result")).ToHaveTextAsync(["SUCCESS", "SUCCESS", "SUCCESS"], new() { Timeout = 30_000 });
            Assert.Equal([0, 1, 2], receiver.Arrivals);
            lock (addresses)
                Assert.All(addresses, address => Assert.StartsWith(script.Balancer.ToString(), address));
        }
        finally
        {
            await context.CloseAsync();
        }
    }
}
