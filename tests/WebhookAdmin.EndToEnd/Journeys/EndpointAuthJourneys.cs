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
public sealed class EndpointAuthJourneys(EndToEndFixture fixture)
{
    [Fact]
    public async Task Admin_gives_a_receiver_a_bearer_token_and_a_header_sees_them_masked_and_the_next_delivery_carries_them()
    {
        await using var receiver = await Receiver.StartAsync();
        var webhook = ((WebhookOutcome.Saved)await fixture.App.Get<WebhookService>().CreateAsync(Ids.Acme,
            new WebhookDraft("Guarded receiver", receiver.Url, WebhookTrigger.User))).Webhook;
        var page = await fixture.SignInAsync("admin@acme.test", "acme-admin", $"/admin/webhooks/{webhook.Id}");
        await EndToEndFixture.WaitForCircuitAsync(page);
        var section = page.GetByTestId("endpoint-auth-section");
        await section.GetByText("Endpoint authentication", new() { Exact = true }).ClickAsync();

        await section.Locator(".mud-select").Filter(new() { Has = page.GetByTestId("auth-kind") }).Locator(".mud-input-control").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasText = "Bearer token" }).ClickAsync();
        await section.GetByTestId("auth-token").FillAsync("receiver-token-0123456789");
        await section.GetByRole(AriaRole.Button, new() { Name = "Add header" }).ClickAsync();
        await section.GetByTestId("auth-header-name").FillAsync("webhook-id");
        await section.GetByTestId("auth-header-value").FillAsync("forged");
        await section.GetByTestId("auth-save").ClickAsync();
        // Refused where the admin typed it, in the browser too.
        await Expect(section).ToContainTextAsync("“webhook-id” is set by the delivery itself");

        await section.GetByTestId("auth-header-name").FillAsync("X-Tenant");
        await section.GetByTestId("auth-token").FillAsync("receiver-token-0123456789");
        await section.GetByTestId("auth-save").ClickAsync();
        await Expect(page.GetByText("Endpoint authentication saved.")).ToBeVisibleAsync();
        await Expect(section).ToContainTextAsync("Stored: ••••6789. Leave empty to keep it.");
        Assert.DoesNotContain("receiver-token-0123", await page.ContentAsync());

        await fixture.App.Get<IEventPublisher>().PublishAsync(Ids.Acme,
            new CotEvent(CotEventTypes.User, CotEventNames.Edit, JsonSerializer.SerializeToElement(new { n = 1 })));
        for (var waited = 0; receiver.Requests.Count == 0; waited += 25)
        {
            Assert.True(waited < 10_000, "The receiver never got the delivery.");
            await Task.Delay(25);
        }
        Assert.Equal(("Bearer receiver-token-0123456789", "forged"), (receiver.Requests[0].Header("authorization"), receiver.Requests[0].Header("x-tenant")));
        Assert.NotEqual("forged", receiver.Requests[0].Header("webhook-id"));
        await page.Context.CloseAsync();
    }
}
