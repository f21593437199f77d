using System.Text.Json;
using Microsoft.Playwright;
using WebhookAdmin.Core.Events;
using WebhookAdmin.Core.Webhooks;
using WebhookAdmin.EndToEnd.Support;
using WebhookAdmin.Tests.Delivery.Support;
using WebhookAdmin.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace WebhookAdmin.EndToEnd.Journeys;

/// <summary>Bulk recovery from the Logs tab: "Resend failed since…", watched while it runs.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class RecoveryJourneys(EndToEndFixture fixture)
{
    [Fact]
    public async Task Admin_resends_every_delivery_failed_since_yesterday_and_watches_the_recovery_finish()
    {
        await using var receiver = await Receiver.StartAsync(Answers.Status(500, "down"));
        var page = await LogsOfFailedDeliveriesAsync("Recovered sync", receiver, 3);
        var results = page.GetByTestId("logs-table").Locator(".log-result");
        receiver.Answer = Answers.Status(200, """{"ok":true}""");
        var before = receiver.Requests.Count;

        await page.GetByRole(AriaRole.Button, new() { Name = "Resend failed since…" }).ClickAsync();
        var form = page.GetByTestId("recovery-form");
        await Expect(form).ToContainTextAsync("the oldest 10,000 at most");
        await Expect(form.GetByLabel("Failed since")).Not.ToHaveValueAsync("");
        await form.GetByRole(AriaRole.Button, new() { Name = "Start recovery" }).ClickAsync();

        var progress = page.GetByTestId("recovery-progress");
        await Expect(progress).ToHaveAttributeAsync("data-state", "completed", new() { Timeout = 15_000 });
        await Expect(progress.GetByRole(AriaRole.Status)).ToContainTextAsync("Recovery done: 3 of 3 deliveries failed since");
        await Expect(progress.GetByRole(AriaRole.Progressbar, new() { Name = "Recovery progress" })).ToHaveAttributeAsync("aria-valuenow", "100");
        await Expect(results).ToHaveTextAsync(["SUCCESS", "SUCCESS", "SUCCESS"], new() { Timeout = 15_000 });
        Assert.Equal([1, 2, 3], receiver.Arrivals.Skip(before));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_spanish_speaking_admin_runs_a_recovery_in_spanish()
    {
        await using var receiver = await Receiver.StartAsync(Answers.Status(500, "down"));
        var page = await LogsOfFailedDeliveriesAsync("Recuperación", receiver, 1, locale: "es-CL", failed: "FALLIDO");
        receiver.Answer = Answers.Status(200, """{"ok":true}""");

        await page.GetByRole(AriaRole.Button, new() { Name = "Reenviar fallidos desde…" }).ClickAsync();
        await Expect(page.GetByTestId("recovery-form")).ToContainTextAsync("los 10.000 más antiguos como máximo");
        await page.GetByRole(AriaRole.Button, new() { Name = "Iniciar recuperación" }).ClickAsync();

        var progress = page.GetByTestId("recovery-progress");
        await Expect(progress).ToHaveAttributeAsync("data-state", "completed", new() { Timeout = 15_000 });
        await Expect(progress.GetByRole(AriaRole.Status)).ToContainTextAsync("Recuperación terminada: 1 de 1 envíos fallidos desde");
        await page.Context.CloseAsync();
    }

    /// <summary>A webhook whose <paramref name="count"/> deliveries failed for good, its Logs tab open once they all show <paramref name="failed"/>.</summary>
    private async Task<IPage> LogsOfFailedDeliveriesAsync(string name, Receiver receiver, int count, string? locale = null, string failed = "FAILED")
    {
        var webhook = ((WebhookOutcome.Saved)await fixture.App.Get<WebhookService>().CreateAsync(Ids.Acme,
            new WebhookDraft(name, receiver.Url, WebhookTrigger.User))).Webhook;
        var publisher = fixture.App.Get<IEventPublisher>();
        for (var n = 1; n <= count; n++)
            await publisher.PublishAsync(Ids.Acme, new CotEvent(CotEventTypes.User, CotEventNames.Edit, JsonSerializer.SerializeToElement(new { n })));
        var page = await fixture.SignInAsync("admin@acme.test", "acme-admin", $"/admin/webhooks/{webhook.Id}?tab=logs", Viewports.Desktop, locale: locale);
        await EndToEndFixture.WaitForCircuitAsync(page);
        await Expect(page.GetByTestId("logs-table").Locator(".log-result")).ToHaveTextAsync(Enumerable.Repeat(failed, count).ToArray(), new() { Timeout = 20_000 });
        return page;
    }
}
