using Microsoft.Playwright;
using WebhookAdmin.Core.Webhooks;
using WebhookAdmin.EndToEnd.Support;
using WebhookAdmin.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace WebhookAdmin.EndToEnd.Journeys;

/// <summary>An admin reads what a trigger sends before pointing a receiver at it.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class CatalogueJourneys(EndToEndFixture fixture)
{
    [Fact]
    public async Task Admin_unfolds_what_a_task_trigger_sends_and_reads_each_example_in_the_json_viewer()
    {
        var webhook = await CreateAsync("Catalogue reader");
        var page = await fixture.SignInAsync("admin@acme.test", "acme-admin", $"/admin/webhooks/{webhook.Id}");
        await EndToEndFixture.WaitForCircuitAsync(page);
        var section = page.GetByTestId("event-catalogue-section");

        await section.GetByText("What this trigger sends", new() { Exact = true }).ClickAsync();

        var example = section.GetByTestId("event-example");
        await Expect(section.GetByTestId("event-kind-source")).ToHaveTextAsync("Example from the product documents.");
        await example.GetByRole(AriaRole.Button, new() { Name = "Raw" }).ClickAsync();
        await Expect(example.Locator("pre")).ToContainTextAsync("\"_id\": \"62742b7562f37034d9399914\"");
        await Expect(section.GetByTestId("event-fields")).ToContainTextAsync("data.taskGroup");

        await section.GetByTestId("event-kinds").GetByRole(AriaRole.Button, new() { Name = "delete" }).ClickAsync();

        await Expect(section.GetByTestId("event-kind-description")).ToHaveTextAsync("A task of the webhook's workflow was deactivated (isActive becomes false).");
        await Expect(section.GetByTestId("event-kind-source")).ToHaveTextAsync("Example written by WebhookAdmin in the spirit of the documented one.");
        await Expect(section.GetByTestId("event-kinds").GetByRole(AriaRole.Button, new() { Name = "delete" })).ToHaveAttributeAsync("aria-pressed", "true");
        await Expect(example).ToContainTextAsync("2022-05-20T09:00:40.912Z");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_spanish_admin_reads_the_catalogue_in_spanish()
    {
        var webhook = await CreateAsync("Catálogo en español");
        var page = await fixture.SignInAsync("admin@acme.test", "acme-admin", $"/admin/webhooks/{webhook.Id}", locale: "es-CL");
        await EndToEndFixture.WaitForCircuitAsync(page);
        var section = page.GetByTestId("event-catalogue-section");

        await section.GetByText("Qué envía este disparador", new() { Exact = true }).ClickAsync();

        await Expect(section.GetByTestId("event-kind-description")).ToHaveTextAsync("Se creó una tarea en el flujo de trabajo del webhook.");
        await Expect(section.GetByTestId("event-kind-source")).ToHaveTextAsync("Ejemplo tomado de los documentos del producto.");
        await Expect(section.GetByRole(AriaRole.Heading, new() { Name = "Campos principales" })).ToBeVisibleAsync();
        await Expect(section.GetByTestId("event-example")).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Admin_creates_an_operations_webhook_and_reads_the_operational_events_it_will_receive()
    {
        var page = await fixture.SignInAsync("admin@acme.test", "acme-admin", "/admin/webhooks/new");
        await EndToEndFixture.WaitForCircuitAsync(page);

        await page.GetByTestId("field-name").FillAsync("Ops alerts");
        await page.GetByTestId("field-url").FillAsync("https://ops.example/hook");
        await SettingsPanel.ChooseTriggerAsync(page, "Webhook Operations (failing, disabled, recovered, exhausted)");
        var section = page.GetByTestId("event-catalogue-section");
        await section.GetByText("What this trigger sends", new() { Exact = true }).ClickAsync();

        var kinds = section.GetByTestId("event-kinds").GetByRole(AriaRole.Button);
        await Expect(kinds).ToHaveTextAsync(["webhook.failing", "webhook.disabled", "webhook.recovered", "delivery.exhausted"]);
        await section.GetByTestId("event-kinds").GetByRole(AriaRole.Button, new() { Name = "webhook.disabled" }).ClickAsync();
        await Expect(section.GetByTestId("event-kind-description")).ToHaveTextAsync(
            "The app deactivated a webhook whose every delivery failed (after one last probe delivery failed too).");
        await Expect(section.GetByTestId("event-fields")).ToContainTextAsync("data.probed");
        await Expect(section.GetByTestId("event-example")).ToContainTextAsync("disabledAt");

        await page.GetByTestId("save").ClickAsync();
        await Expect(page.GetByText("Webhook \"Ops alerts\" created.")).ToBeVisibleAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/admin/webhooks/[0-9a-f]{24}$"));
        var created = await fixture.App.Get<WebhookService>().GetAsync(Ids.Acme, page.Url[^24..]);
        Assert.Equal(WebhookTrigger.Operations, created!.Trigger);
        await page.Context.CloseAsync();
    }

    private async Task<Webhook> CreateAsync(string name) =>
        ((WebhookOutcome.Saved)await fixture.App.Get<WebhookService>().CreateAsync(Ids.Acme,
            new WebhookDraft(name, "https://catalogue.example/hook", WebhookTrigger.Task, Context: new WebhookContext("", "", Ids.Workflow)))).Webhook;
}
