using System.Text.RegularExpressions;
using Microsoft.Playwright;
using WebhookAdmin.Core.Webhooks;
using WebhookAdmin.EndToEnd.Support;
using WebhookAdmin.Tests.Delivery.Support;
using WebhookAdmin.Tests.Support;
using static Microsoft.Playwright.Assertions;
using static WebhookAdmin.EndToEnd.Support.SettingsPanel;

namespace WebhookAdmin.EndToEnd.Journeys;

/// <summary>A Chilean admin's browser: Spanish from the first page, English once chosen, and remembered.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class LanguageJourneys(EndToEndFixture fixture)
{
    private const string Name = "Órdenes de trabajo (idioma)";

    [Fact]
    public async Task An_es_CL_admin_creates_a_task_webhook_in_spanish_then_switches_to_english_for_good()
    {
        var page = await fixture.NewPageAsync(locale: "es-CL");

        // The development provider's sign-in page already speaks Spanish.
        await page.GotoAsync("/admin/webhooks");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Iniciar sesión" })).ToBeVisibleAsync();
        await page.GetByLabel("Correo electrónico").FillAsync("admin@acme.test");
        await page.GetByLabel("Contraseña").FillAsync("acme-admin");
        await page.GetByRole(AriaRole.Button, new() { Name = "Iniciar sesión" }).ClickAsync();

        await EndToEndFixture.WaitForCircuitAsync(page);
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "es");
        await Expect(page.GetByRole(AriaRole.Columnheader, new() { Name = "Disparador" })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Crear webhook" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Nuevo webhook");
        await Expect(page).ToHaveTitleAsync("Nuevo webhook · WebhookAdmin");

        // Errors in Spanish, while typing and after Save.
        await page.GetByTestId("save").ClickAsync();
        await Expect(page.GetByText("No se guardó: corrige los campos marcados.")).ToBeVisibleAsync();
        await ExpectErrorAsync(page, "name", "El nombre es obligatorio.");
        await ExpectErrorAsync(page, "url", "La URL es obligatoria.");
        await Field(page, "name").PressSequentiallyAsync(Name);
        await Field(page, "url").PressSequentiallyAsync("ftp://receptor.example");
        await ExpectErrorAsync(page, "url", "La URL debe ser una dirección completa que empiece por http:// o https://.");
        await Field(page, "url").FillAsync("https://receptor.example/hook");
        await ChooseTriggerAsync(page, "Crear/Editar/Eliminar Tarea");
        await Expect(page.GetByRole(AriaRole.Combobox, new() { Name = "Flujo de trabajo" })).ToBeVisibleAsync();
        await Field(page, "workflow").PressSequentiallyAsync(Ids.Workflow[..23]);
        await Field(page, "workflow").PressAsync("Tab");
        await ExpectErrorAsync(page, "workflow", "El flujo de trabajo debe ser un ObjectId hexadecimal de 24 caracteres.");
        await Field(page, "workflow").FillAsync(Ids.Workflow);
        await Field(page, "workflow").PressAsync("Tab");
        await Expect(Field(page, "code")).ToHaveValueAsync("ordenes_de_trabajo_idioma");

        await page.GetByTestId("save").ClickAsync();

        await Expect(page.GetByText($"Webhook \"{Name}\" creado.")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Tab, new() { Name = "Registros" })).ToBeVisibleAsync();
        var saved = (await fixture.App.Get<WebhookService>().ListAsync(Ids.Acme)).Single(w => w.Name == Name);
        Assert.Equal("create-edit-delete-task", saved.Trigger);
        Assert.Equal(Ids.Workflow, saved.Context.TaskGroup);

        await page.GetByRole(AriaRole.Link, new() { Name = "Volver a los webhooks" }).ClickAsync();
        var row = page.Locator("tr").Filter(new() { HasText = Name });
        await Expect(row).ToContainTextAsync("Crear/Editar/Eliminar Tarea");
        await Expect(page.Locator(".mud-table-pagination")).ToContainTextAsync("Filas por página:");

        // English from the app bar: the page reloads in English, and a reload keeps it.
        await page.GetByRole(AriaRole.Button, new() { Name = "Idioma: Español" }).ClickAsync();
        await page.GetByRole(AriaRole.Menuitem, new() { Name = "English" }).ClickAsync();

        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
        await EndToEndFixture.WaitForCircuitAsync(page);
        await Expect(page).ToHaveURLAsync(new Regex("/admin/webhooks$"));
        await Expect(page.GetByRole(AriaRole.Columnheader, new() { Name = "Trigger" })).ToBeVisibleAsync();
        await Expect(page.Locator("tr").Filter(new() { HasText = Name })).ToContainTextAsync("Create/Edit/Remove Task");

        await page.ReloadAsync();
        await EndToEndFixture.WaitForCircuitAsync(page);
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Language: English" })).ToBeVisibleAsync();
        await Expect(page.Locator(".mud-table-pagination")).ToContainTextAsync("Rows per page:");
        var cookie = (await page.Context.CookiesAsync()).Single(c => c.Name == ".AspNetCore.Culture");
        Assert.Equal("c%3Den%7Cuic%3Den", cookie.Value);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_logs_tab_stays_spanish_when_a_delivery_refreshes_it()
    {
        await using var receiver = await Receiver.StartAsync();
        var webhook = ((WebhookOutcome.Saved)await fixture.App.Get<WebhookService>().CreateAsync(Ids.Acme,
            new WebhookDraft("Registros en español", receiver.Url, WebhookTrigger.User))).Webhook;
        var page = await fixture.NewPageAsync(locale: "es-CL");
        await page.GotoAsync($"/admin/webhooks/{webhook.Id}?tab=logs");
        await page.GetByLabel("Correo electrónico").FillAsync("admin@acme.test");
        await page.GetByLabel("Contraseña").FillAsync("acme-admin");
        await page.GetByRole(AriaRole.Button, new() { Name = "Iniciar sesión" }).ClickAsync();
        await EndToEndFixture.WaitForCircuitAsync(page);

        // The list refreshes itself when the delivery is recorded: that render must speak the admin's language too.
        await page.GetByRole(AriaRole.Button, new() { Name = "Enviar evento de prueba" }).ClickAsync();

        var table = page.GetByTestId("logs-table");
        await Expect(table.Locator(".log-result")).ToHaveTextAsync(["EXITOSO"], new() { Timeout = 15_000 });
        await Expect(table.GetByTestId("test-event-row")).ToHaveTextAsync("Evento de prueba");
        await Expect(table.GetByRole(AriaRole.Columnheader, new() { Name = "Resultado" })).ToBeVisibleAsync();
        await Expect(table).ToContainTextAsync(new Regex(@"\d\d-\d\d-\d{4}"));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Choosing_spanish_in_an_english_browser_keeps_the_page_and_the_choice()
    {
        var page = await fixture.SignInAsync("admin@acme.test", "acme-admin", "/admin/webhooks/new");
        await EndToEndFixture.WaitForCircuitAsync(page);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("New webhook");

        await page.GetByRole(AriaRole.Button, new() { Name = "Language: English" }).ClickAsync();
        await page.GetByRole(AriaRole.Menuitem, new() { Name = "Español" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Nuevo webhook");
        await Expect(page).ToHaveURLAsync(new Regex("/admin/webhooks/new$"));
        await EndToEndFixture.WaitForCircuitAsync(page);
        await Expect(page.GetByRole(AriaRole.Tab, new() { Name = "Información general" })).ToBeVisibleAsync();
        await page.GotoAsync("/nope");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Página no encontrada", Level = 1 })).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }
}
