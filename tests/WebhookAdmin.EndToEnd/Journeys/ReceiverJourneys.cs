using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
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
public sealed class ReceiverJourneys(EndToEndFixture fixture)
{
    [Fact]
    public async Task Admin_makes_a_receiver_key_copies_it_once_and_the_receiver_reads_its_deliveries_with_it()
    {
        await using var receiver = await Receiver.StartAsync();
        var webhook = ((WebhookOutcome.Saved)await fixture.App.Get<WebhookService>().CreateAsync(Ids.Acme,
            new WebhookDraft("Warehouse receiver", receiver.Url, WebhookTrigger.User))).Webhook;
        await fixture.App.Get<IEventPublisher>().PublishAsync(Ids.Acme,
            new CotEvent(CotEventTypes.User, CotEventNames.Edit, JsonSerializer.SerializeToElement(new { n = 1 })));

        var page = await fixture.SignInAsync("admin@acme.test", "acme-admin", $"/admin/webhooks/{webhook.Id}");
        await EndToEndFixture.WaitForCircuitAsync(page);
        var section = page.GetByTestId("receiver-key-section");
        await section.GetByText("Receiver key", new() { Exact = true }).ClickAsync();
        await Expect(section.GetByTestId("receiver-key-state")).ToHaveTextAsync("This webhook has no receiver key.");
        await section.GetByRole(AriaRole.Button, new() { Name = "Create key" }).ClickAsync();

        await Expect(section.GetByTestId("new-receiver-key")).ToContainTextAsync("it is not shown again");
        await section.GetByRole(AriaRole.Button, new() { Name = "Copy key" }).ClickAsync();
        await Expect(page.GetByText("Receiver key copied to the clipboard.")).ToBeVisibleAsync();
        var key = await page.EvaluateAsync<string>("navigator.clipboard.readText()");
        Assert.Matches($"^whrk_{webhook.Id}_", key);
        await Expect(section.GetByTestId("receiver-key-state")).ToContainTextAsync($"Key ending in …{key[^4..]}");

        using var asReceiver = fixture.App.Anonymous();
        asReceiver.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        var caughtUp = await asReceiver.GetFromJsonAsync<JsonElement>($"/api/v3/webhook/subscription/{webhook.Id}/deliveries");
        Assert.Equal(1, caughtUp.GetProperty("deliveries")[0].GetProperty("sequence").GetInt32());

        // Reloaded, the panel shows which key it is, never the key.
        await page.ReloadAsync();
        await EndToEndFixture.WaitForCircuitAsync(page);
        await section.GetByText("Receiver key", new() { Exact = true }).ClickAsync();
        await Expect(section.GetByTestId("receiver-key-state")).ToContainTextAsync($"Key ending in …{key[^4..]}");
        Assert.DoesNotContain(key, await page.ContentAsync());

        await section.GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Expect(dialog).ToContainTextAsync("Revoke the receiver keys of “Warehouse receiver”?");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();
        await Expect(section.GetByTestId("receiver-key-state")).ToHaveTextAsync("This webhook has no receiver key.");
        Assert.Equal(HttpStatusCode.Unauthorized, (await asReceiver.GetAsync($"/api/v3/webhook/subscription/{webhook.Id}/deliveries")).StatusCode);
        await page.Context.CloseAsync();
    }
}
