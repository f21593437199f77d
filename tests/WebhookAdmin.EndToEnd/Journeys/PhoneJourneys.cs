using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using WebhookAdmin.Core.Delivery;
using WebhookAdmin.Core.Storage;
using WebhookAdmin.Core.Events;
using WebhookAdmin.Core.Webhooks;
using WebhookAdmin.EndToEnd.Support;
using WebhookAdmin.Tests.Delivery.Support;
using WebhookAdmin.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace WebhookAdmin.EndToEnd.Journeys;

/// <summary>The admin on a 390×844 phone: everything reachable, nothing clipped, nothing scrolling sideways.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class PhoneJourneys(EndToEndFixture fixture)
{
    [Fact]
    public async Task Sign_out_is_reached_through_the_menu()
    {
        var page = await SignInOnPhoneAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeHiddenAsync();
        var menu = page.GetByRole(AriaRole.Button, new() { Name = "Menu" });
        await AssertWithinScreenAsync(menu, "the menu button");

        await menu.ClickAsync();
        await Expect(page.GetByRole(AriaRole.Menuitem, new() { Name = "Acme Admin" })).ToBeVisibleAsync();
        await EndToEndFixture.ScreenshotForDocsAsync(page, "phone-menu");
        var signOut = page.GetByRole(AriaRole.Menuitem, new() { Name = "Sign out" });
        await AssertWithinScreenAsync(signOut, "Sign out");
        await signOut.ClickAsync();

        await EndToEndFixture.ExpectSignedOutAsync(page);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_menu_leads_to_the_webhooks_section()
    {
        var page = await SignInOnPhoneAsync("/admin/webhooks/new");

        await page.GetByRole(AriaRole.Button, new() { Name = "Menu" }).ClickAsync();
        await page.GetByRole(AriaRole.Menuitem, new() { Name = "Webhooks" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Webhooks", Level = 1 })).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_tab_strip_shows_general_information_whole()
    {
        var page = await SignInOnPhoneAsync("/admin/webhooks/new");

        var tab = page.GetByRole(AriaRole.Tab, new() { Name = "General information" });
        await Expect(tab).ToBeVisibleAsync();
        await AssertWithinScreenAsync(tab, "the General information tab");
        Assert.True(await tab.EvaluateAsync<bool>("t => t.scrollWidth <= t.clientWidth"), "The tab's label is cut.");
        await AssertWithinScreenAsync(page.GetByRole(AriaRole.Tab, new() { Name = "Logs" }), "the Logs tab");
        Assert.False(await ScrollsSidewaysAsync(page), "The new-webhook panel scrolls sideways.");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Opening_a_log_fills_the_screen_with_resend_inside_its_border_and_closing_returns_to_the_list()
    {
        await using var receiver = await Receiver.StartAsync(Answers.Status(503, "<h1>Service Unavailable: the receiver is down for maintenance</h1>"));
        var webhook = ((WebhookOutcome.Saved)await fixture.App.Get<WebhookService>().CreateAsync(Ids.Acme,
            new WebhookDraft("Phone logs", receiver.Url, WebhookTrigger.User))).Webhook;
        await fixture.App.Get<IEventPublisher>().PublishAsync(Ids.Acme,
            new CotEvent(CotEventTypes.User, CotEventNames.Edit, System.Text.Json.JsonSerializer.SerializeToElement(new { name = "Ada Lovelace", email = "ada@example.com" })));
        var page = await SignInOnPhoneAsync($"/admin/webhooks/{webhook.Id}?tab=logs");
        await Expect(page.GetByTestId("logs-table").Locator(".log-result")).ToHaveTextAsync(["FAILED"], new() { Timeout = 15_000 });
        Assert.False(await ScrollsSidewaysAsync(page), "The Logs tab scrolls sideways.");

        await page.GetByRole(AriaRole.Button, new() { Name = "Logs of delivery" }).ClickAsync();

        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "Delivery log" });
        await Expect(dialog).ToBeVisibleAsync();
        await EndToEndFixture.WaitForAnimationsAsync(page);
        var box = (await dialog.BoundingBoxAsync())!;
        Assert.True(box is { X: <= 1, Y: <= 1, Width: >= 389, Height: >= 843 }, $"The log does not fill the screen: {box.X},{box.Y} {box.Width}×{box.Height}.");
        var resend = dialog.GetByRole(AriaRole.Button, new() { Name = "Resend" });
        await AssertWithinScreenAsync(resend, "Resend");
        Assert.True(await resend.EvaluateAsync<bool>("b => b.scrollWidth <= b.clientWidth"), "Resend's label overflows its border.");
        Assert.False(await ScrollsSidewaysAsync(page), "The open log scrolls sideways.");
        Assert.True(await dialog.Locator("[data-testid=attempts]").EvaluateAsync<bool>("t => t.scrollWidth <= t.clientWidth + 1"), "The attempts table scrolls sideways.");
        await EndToEndFixture.ScreenshotForDocsAsync(page, "phone-log");

        await dialog.GetByRole(AriaRole.Button, new() { Name = "Close log" }).ClickAsync();
        await Expect(dialog).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("logs-table")).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task An_automatic_deactivation_note_takes_a_full_line_under_the_name()
    {
        var id = ((WebhookOutcome.Saved)await fixture.App.Get<WebhookService>().CreateAsync(Ids.Acme,
            new WebhookDraft("Phone receiver gone", "https://gone.example/hook", WebhookTrigger.User))).Webhook.Id;
        await using (var db = await fixture.App.Get<IDbContextFactory<WebhookAdminDbContext>>().CreateDbContextAsync())
        {
            await db.Webhooks.Where(w => w.Id == id).ExecuteUpdateAsync(set => set
                .SetProperty(w => w.FailingSince, DateTime.UtcNow.AddDays(-6)).SetProperty(w => w.ConsecutiveFailures, 30)
                // Its probe failed too: the check deactivates it.
                .SetProperty(w => w.ProbeAfter, DateTime.UtcNow.AddMinutes(-2)).SetProperty(w => w.ProbedAt, DateTime.UtcNow.AddMinutes(-1)));
        }
        await fixture.App.Get<FailingWebhooks>().CheckAsync(CancellationToken.None);
        var page = await SignInOnPhoneAsync();
        await page.GetByTestId("webhooks-search").FillAsync("Phone receiver gone");
        await page.GetByRole(AriaRole.Button, new() { Name = "More options" }).ClickAsync();
        await page.GetByRole(AriaRole.Menuitem, new() { Name = "Show disabled" }).ClickAsync();

        var note = page.GetByTestId("auto-disabled");
        await Expect(note).ToBeVisibleAsync();
        var cell = note.Locator("xpath=..");
        var (noteBox, cellBox) = ((await note.BoundingBoxAsync())!, (await cell.BoundingBoxAsync())!);
        // Squeezed beside the name it was a third of the card wide and broke words in two.
        Assert.True(noteBox.Width > cellBox.Width * 0.8, $"The note is {noteBox.Width} px wide in a {cellBox.Width} px cell.");
        Assert.True(noteBox.Y > (await page.GetByText("Phone receiver gone", new() { Exact = true }).BoundingBoxAsync())!.Y, "The note is not under the name.");
        Assert.False(await ScrollsSidewaysAsync(page));
        await page.Context.CloseAsync();
    }

    private async Task<IPage> SignInOnPhoneAsync(string path = "/admin/webhooks")
    {
        var page = await fixture.SignInAsync("admin@acme.test", "acme-admin", path, Viewports.Phone);
        await EndToEndFixture.WaitForCircuitAsync(page);
        return page;
    }

    private static async Task AssertWithinScreenAsync(ILocator element, string what)
    {
        var box = (await element.BoundingBoxAsync())!;
        Assert.True(box.X >= 0 && box.X + box.Width <= Viewports.Phone.Width, $"{what} spans x = {box.X}–{box.X + box.Width}, past the {Viewports.Phone.Width} px screen.");
    }

    internal static Task<bool> ScrollsSidewaysAsync(IPage page) =>
        page.EvaluateAsync<bool>("document.documentElement.scrollWidth > document.documentElement.clientWidth + 1");
}
