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
public sealed class FilterJourneys(EndToEndFixture fixture)
{
    [Fact]
    public async Task Admin_builds_a_filter_from_suggested_paths_tests_it_on_the_logs_saves_it_and_only_matching_events_go_out()
    {
        await using var receiver = await Receiver.StartAsync();
        var webhook = ((WebhookOutcome.Saved)await fixture.App.Get<WebhookService>().CreateAsync(Ids.Acme,
            new WebhookDraft("Filtered receiver", receiver.Url, WebhookTrigger.User))).Webhook;
        foreach (var email in new[] { "ana@acme.test", "bob@partner.example", "eva@acme.test" })
            await PublishAsync(email);
        await WaitForAsync(() => receiver.Requests.Count == 3, "the three first deliveries");
        var page = await fixture.SignInAsync("admin@acme.test", "acme-admin", $"/admin/webhooks/{webhook.Id}");
        await EndToEndFixture.WaitForCircuitAsync(page);
        var section = page.GetByTestId("filter-section");
        await section.GetByText("Payload filter", new() { Exact = true }).ClickAsync();

        // A path the trigger's events do not have is refused where it was typed.
        await section.GetByTestId("filter-add").ClickAsync();
        await section.GetByTestId("filter-path").FillAsync("email");
        // Clicking into the next field closes the path's suggestions, as leaving it with Tab does (the axe journey).
        await section.GetByTestId("filter-value").ClickAsync();
        await Expect(page.Locator(".mud-popover-open")).ToHaveCountAsync(0);
        await section.GetByTestId("filter-value").FillAsync("x");
        await Expect(section.GetByTestId("filter-path")).ToHaveValueAsync("email");
        await section.GetByTestId("filter-save").ClickAsync();
        await Expect(section).ToContainTextAsync("The path must be type, event, data");

        // Picked from the catalogue's paths for user events, key by key at a person's pace.
        await section.GetByTestId("filter-path").FillAsync("");
        await section.GetByTestId("filter-path").PressSequentiallyAsync("data.em", new() { Delay = 100 });
        var suggestion = page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasText = "data.email" });
        await Expect(suggestion).ToBeVisibleAsync();
        await suggestion.ClickAsync();
        await Expect(section.GetByTestId("filter-path")).ToHaveValueAsync("data.email");
        await section.Locator(".mud-select").Filter(new() { Has = page.GetByTestId("filter-op") }).Locator(".mud-input-control").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasText = "starts with" }).ClickAsync();
        await section.GetByTestId("filter-value").FillAsync("bob@");
        await Expect(section.GetByTestId("filter-path")).ToHaveValueAsync("data.email");
        await section.GetByTestId("filter-test").ClickAsync();

        await Expect(section.GetByTestId("filter-result-row")).ToHaveCountAsync(3);
        Assert.Equal(["skip", "send", "skip"], await section.GetByTestId("filter-result-row").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.verdict)"));
        await Expect(section.GetByTestId("filter-results-summary")).ToHaveTextAsync("1 would be sent, 2 skipped, of the last 3 logged events.");
        await Expect(section.GetByTestId("filter-result-row").Nth(1)).ToContainTextAsync("Would send");

        await section.GetByTestId("filter-save").ClickAsync();
        await Expect(page.GetByText("Filter saved: it applies to the next event.")).ToBeVisibleAsync();
        await Expect(section).ToContainTextAsync("Payload filter · on (1 condition)");

        await PublishAsync("ana@acme.test");
        await PublishAsync("bob@other.example");
        await WaitForAsync(() => receiver.Requests.Count == 4, "the one delivery the filter lets through");
        Assert.Equal("bob@other.example", receiver.Requests[3].Event.GetProperty("data").GetProperty("email").GetString());

        // Reopened: the filter is shown as it was saved.
        await page.ReloadAsync();
        await EndToEndFixture.WaitForCircuitAsync(page);
        await page.GetByTestId("filter-section").GetByText("Payload filter · on (1 condition)", new() { Exact = true }).ClickAsync();
        await Expect(page.GetByTestId("filter-path")).ToHaveValueAsync("data.email");
        await Expect(page.GetByTestId("filter-value")).ToHaveValueAsync("bob@");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_spanish_admin_sees_the_filter_and_its_inline_errors_in_spanish()
    {
        var webhook = ((WebhookOutcome.Saved)await fixture.App.Get<WebhookService>().CreateAsync(Ids.Acme,
            new WebhookDraft("Filtro en español", "https://filter.example/hook", WebhookTrigger.User))).Webhook;
        var page = await fixture.SignInAsync("admin@acme.test", "acme-admin", $"/admin/webhooks/{webhook.Id}", locale: "es-CL");
        await EndToEndFixture.WaitForCircuitAsync(page);
        var section = page.GetByTestId("filter-section");

        await section.GetByText("Filtro de contenido", new() { Exact = true }).ClickAsync();
        await Expect(section.GetByTestId("filter-empty")).ToHaveTextAsync("Sin condiciones: se envían todos los eventos del disparador.");
        await section.GetByRole(AriaRole.Button, new() { Name = "Agregar condición" }).ClickAsync();
        await section.GetByTestId("filter-path").FillAsync("data.edad");
        await section.GetByTestId("filter-save").ClickAsync();

        await Expect(section).ToContainTextAsync("Este operador necesita un valor.");
        await section.GetByTestId("filter-test").ClickAsync();
        await Expect(section.GetByTestId("filter-results-empty")).ToBeHiddenAsync();
        await section.GetByTestId("filter-value").FillAsync("30");
        await section.GetByTestId("filter-test").ClickAsync();
        await Expect(section.GetByTestId("filter-results-empty")).ToHaveTextAsync("Este webhook aún no tiene eventos registrados con los que probar el filtro.");
        await section.GetByTestId("filter-save").ClickAsync();
        await Expect(page.GetByText("Filtro guardado: se aplica desde el próximo evento.")).ToBeVisibleAsync();
        await Expect(section).ToContainTextAsync("Filtro de contenido · activo (1 condición)");
        await page.Context.CloseAsync();
    }

    private Task PublishAsync(string email) => fixture.App.Get<IEventPublisher>().PublishAsync(Ids.Acme,
        new CotEvent(CotEventTypes.User, CotEventNames.Edit, JsonSerializer.SerializeToElement(new { _id = "62742b7562f37034d9399914", email })));

    private static async Task WaitForAsync(Func<bool> done, string what)
    {
        for (var waited = 0; !done(); waited += 25)
        {
            Assert.True(waited < 15_000, $"Waited in vain for {what}.");
            await Task.Delay(25);
        }
    }
}
