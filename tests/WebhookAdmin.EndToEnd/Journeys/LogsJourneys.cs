using System.Text.Json;
using Microsoft.Playwright;
using WebhookAdmin.Core.Events;
using WebhookAdmin.Core.Webhooks;
using WebhookAdmin.EndToEnd.Support;
using WebhookAdmin.Tests.Delivery.Support;
using WebhookAdmin.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace WebhookAdmin.EndToEnd.Journeys;

[Collection(EndToEndCollection.Name)]
public sealed class LogsJourneys(EndToEndFixture fixture)
{
    [Fact]
    public async Task Admin_debugs_a_failed_delivery_copies_its_event_and_resends_it_once_the_receiver_is_fixed()
    {
        await using var receiver = await Receiver.StartAsync(Answers.Status(200, """{"ok":true}"""));
        var webhook = ((WebhookOutcome.Saved)await fixture.App.Get<WebhookService>().CreateAsync(Ids.Acme,
            new WebhookDraft("CRM user sync", receiver.Url, WebhookTrigger.User))).Webhook;
        var publisher = fixture.App.Get<IEventPublisher>();
        await publisher.PublishAsync(Ids.Acme, UserEdit(1));
        await WaitForArrivalsAsync(receiver, 1);
        receiver.Answer = Answers.Status(500, "<h1>Internal Server Error</h1>");
        await publisher.PublishAsync(Ids.Acme, UserEdit(2));

        var page = await fixture.SignInAsync("admin@acme.test", "acme-admin", $"/admin/webhooks/{webhook.Id}?tab=logs");
        await EndToEndFixture.WaitForCircuitAsync(page);
        var results = page.GetByTestId("logs-table").Locator(".log-result");

        // Live: the failing delivery's retries land while the admin watches, newest first.
        await Expect(results).ToHaveTextAsync(["FAILED", "SUCCESS"], new() { Timeout = 15_000 });
        var failedRow = page.GetByTestId("logs-table").Locator("tbody tr").First;
        await Expect(failedRow).ToContainTextAsync("500");
        await Expect(failedRow.Locator("td[data-label=Retry]")).ToHaveTextAsync("3");

        await failedRow.GetByRole(AriaRole.Button, new() { Name = "Logs" }).ClickAsync();
        var panel = page.GetByTestId("log-panel");
        await Expect(panel.GetByTestId("event-json").Locator("[data-path='$.data.n'] .json-number")).ToHaveTextAsync("2");
        await Expect(panel.GetByTestId("response-json")).ToContainTextAsync("Not JSON");
        await Expect(panel.GetByTestId("attempts").Locator("tbody tr")).ToHaveCountAsync(3);

        await panel.GetByRole(AriaRole.Button, new() { Name = "Copy event" }).ClickAsync();
        await Expect(page.GetByText("Event JSON copied to the clipboard.")).ToBeVisibleAsync();
        var copied = await page.EvaluateAsync<string>("navigator.clipboard.readText()");
        using (var json = JsonDocument.Parse(copied))
        {
            Assert.Equal(("COTUser", "edit", 2), (json.RootElement.GetProperty("type").GetString(), json.RootElement.GetProperty("event").GetString(),
                json.RootElement.GetProperty("data").GetProperty("n").GetInt32()));
        }

        receiver.Answer = Answers.Status(200, """{"ok":true}""");
        await panel.GetByRole(AriaRole.Button, new() { Name = "Resend" }).ClickAsync();

        await Expect(panel.Locator(".log-result")).ToHaveTextAsync("SUCCESS");
        await Expect(panel.GetByTestId("attempts")).ToContainTextAsync("4 (manual)");
        await Expect(results).ToHaveTextAsync(["SUCCESS", "SUCCESS"]);
        Assert.Equal([1, 2, 2, 2, 2], receiver.Arrivals);
        await EndToEndFixture.ScreenshotForDocsAsync(page, "logs-tab");
        await page.Context.CloseAsync();
    }

    private static CotEvent UserEdit(int n) =>
        new(CotEventTypes.User, CotEventNames.Edit, JsonSerializer.SerializeToElement(new { n, name = new { displayName = $"User {n}" } }));

    private static async Task WaitForArrivalsAsync(Receiver receiver, int count)
    {
        for (var waited = 0; receiver.Arrivals.Count < count; waited += 25)
        {
            Assert.True(waited < 10_000, "The receiver never got the first event.");
            await Task.Delay(25);
        }
    }
}
