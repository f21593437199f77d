using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using WebhookAdmin.Core.Events;
using WebhookAdmin.Core.Webhooks;
using WebhookAdmin.EndToEnd.Support;
using WebhookAdmin.Tests.Delivery.Support;
using WebhookAdmin.Tests.Support;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace WebhookAdmin.EndToEnd.Journeys;

/// <summary>
/// The app bar's bell: a delivery that fails its last attempt (the app's retries are 0.3 s apart here) reaches an open
/// page without a reload, and the notice leads to the webhook's logs.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class NoticeJourneys(EndToEndFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task An_admin_sees_a_failed_delivery_arrive_in_the_bell_reads_it_and_follows_it_to_the_logs()
    {
        await using var receiver = await Receiver.StartAsync(Answers.Status(500, "down"));
        var webhook = await CreateAsync(Ids.Acme, "Bell orders", receiver.Url);
        var page = await fixture.SignInAsync("admin@acme.test", "acme-admin", viewport: Viewports.Desktop);
        var bell = await AllReadAsync(page, "Notifications");

        await PublishAsync(Ids.Acme);

        // Live: no reload, and well within the page's own 15 s look.
        await Expect(bell).ToHaveAccessibleNameAsync(new Regex(@"^Notifications, \d+ unread$"), new() { Timeout = 10_000 });
        await Expect(page.GetByTestId("notice-badge").Locator(".notice-count")).ToBeVisibleAsync();
        await bell.ClickAsync();
        var notice = page.GetByRole(AriaRole.Menuitem, new() { Name = "1 delivery to Bell orders failed its last attempt" });
        await Expect(notice).ToBeVisibleAsync();
        await Expect(notice).ToContainTextAsync("New");
        await Expect(bell).ToHaveAccessibleNameAsync("Notifications");
        output.WriteLine(await Accessibility.AssertCleanAsync(page, "notification list open @ 1366×850"));

        await notice.ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex($"/admin/webhooks/{webhook.Id}\\?tab=logs$"));
        await Expect(page.GetByTestId("logs-table").Locator(".log-result")).ToHaveTextAsync(["FAILED"], new() { Timeout = 15_000 });
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_spanish_speaking_admin_on_a_phone_reads_the_notice_in_spanish()
    {
        await using var receiver = await Receiver.StartAsync(Answers.Status(500, "caído"));
        var webhook = await CreateAsync(Ids.Globex, "Pedidos campana", receiver.Url);
        var page = await fixture.SignInAsync("admin@globex.test", "globex-admin", viewport: Viewports.Phone, locale: "es-CL");
        var bell = await AllReadAsync(page, "Notificaciones");

        await PublishAsync(Ids.Globex);

        await Expect(bell).ToHaveAccessibleNameAsync(new Regex(@"^Notificaciones, \d+ sin leer$"), new() { Timeout = 10_000 });
        var box = (await bell.BoundingBoxAsync())!;
        Assert.True(box.X >= 0 && box.X + box.Width <= Viewports.Phone.Width, $"The bell spans x = {box.X}–{box.X + box.Width} on a phone.");
        await bell.ClickAsync();
        var notice = page.GetByRole(AriaRole.Menuitem, new() { Name = "1 envío a Pedidos campana falló su último intento" });
        await Expect(notice).ToBeVisibleAsync();
        await Expect(notice).ToContainTextAsync("Nueva");
        Assert.False(await PhoneJourneys.ScrollsSidewaysAsync(page), "The open list makes the page scroll sideways.");
        output.WriteLine(await Accessibility.AssertCleanAsync(page, "notification list open, es-CL @ 390×844"));
        await EndToEndFixture.ScreenshotForDocsAsync(page, "notifications-phone");

        await notice.ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex($"/admin/webhooks/{webhook.Id}\\?tab=logs$"));
        await Expect(page.GetByTestId("logs-table").Locator(".log-result")).ToHaveTextAsync(["FALLIDO"], new() { Timeout = 15_000 });
        await page.Context.CloseAsync();
    }

    /// <summary>
    /// The bell once the list has been opened and closed with the keyboard (Enter takes focus into the list, Escape brings
    /// it back): what earlier journeys left is seen, so what rings next is new.
    /// </summary>
    private static async Task<ILocator> AllReadAsync(IPage page, string name)
    {
        await EndToEndFixture.WaitForCircuitAsync(page);
        var bell = page.GetByTestId("notice-bell").GetByRole(AriaRole.Button);
        await bell.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator(".notice-list.mud-popover-open")).ToBeVisibleAsync();
        await Expect(page.Locator(".notice-list [role=menuitem]").First).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Escape");
        await Expect(page.Locator(".notice-list.mud-popover-open")).ToHaveCountAsync(0);
        await Expect(bell).ToBeFocusedAsync();
        await Expect(bell).ToHaveAccessibleNameAsync(name);
        return bell;
    }

    private async Task<Webhook> CreateAsync(string companyId, string name, string url) =>
        ((WebhookOutcome.Saved)await fixture.App.Get<WebhookService>().CreateAsync(companyId, new WebhookDraft(name, url, WebhookTrigger.User))).Webhook;

    private Task PublishAsync(string companyId) => fixture.App.Get<IEventPublisher>().PublishAsync(companyId,
        new CotEvent(CotEventTypes.User, CotEventNames.Edit, JsonSerializer.SerializeToElement(new { name = "Ada" })));
}
