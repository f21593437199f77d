using System.Globalization;
using Microsoft.AspNetCore.Components;
using MudBlazor;
using WebhookAdmin.Components.Layout;
using WebhookAdmin.Components.Tests.Support;
using WebhookAdmin.Core.Logs;
using WebhookAdmin.Core.Webhooks;
using WebhookAdmin.Features.Logs;
using WebhookAdmin.Features.Webhooks;
using WebhookAdmin.Features.Webhooks.Settings;

namespace WebhookAdmin.Components.Tests.Localization;

/// <summary>The key screens in both languages: what an es-CL admin reads, and that English is still English.</summary>
public sealed class LanguageTests : ComponentTest
{
    private const string Workflow = "6261612a8f1e99002e5c8cce";

    private WebhookService Webhooks => Get<WebhookService>();

    [Fact]
    public async Task Trigger_labels_are_spanish_for_an_es_CL_browser()
    {
        await CreateAsync("Asignaciones", WebhookTrigger.Task, new WebhookContext("", "", Workflow));
        await CreateAsync("Sesiones", WebhookTrigger.LogoutUser);
        Culture = "es-CL";

        var page = Render<WebhooksPage>();

        page.WaitForAssertion(() => Assert.Equal(2, Rows(page).Count));
        Assert.Equal(["Crear/Editar/Eliminar Tarea", "Cierre de sesión de usuario"], Rows(page).Select(r => r.QuerySelectorAll("td")[2].TextContent.Trim()));
        Assert.Equal(["Seleccionar todos los webhooks de esta página", "Nombre", "Disparador", "URL", "Editar"], page.FindAll("thead th").Select(th => th.TextContent.Trim()));
        Assert.Equal("Editar Sesiones", Rows(page)[1].QuerySelector("a")!.GetAttribute("aria-label"));
    }

    [Fact]
    public async Task The_pager_and_mudblazors_own_texts_are_spanish_for_an_es_CL_browser()
    {
        await CreateAsync("Uno");
        Culture = "es-CL";

        var page = Render<WebhooksPage>();

        page.WaitForAssertion(() => Assert.Contains("Filas por página:", page.Find(".mud-table-pagination").TextContent));
        Assert.Contains("1-1 de 1", page.Find(".mud-table-pagination").TextContent);
        // MudBlazor's own strings come through its localizer: the pager's buttons are named in Spanish.
        Assert.NotNull(page.Find(".mud-table-pagination button[aria-label='Página siguiente']"));
        Assert.NotNull(page.Find(".mud-table-pagination button[aria-label='Primera página']"));
    }

    [Fact]
    public async Task The_pager_stays_english_for_an_english_browser()
    {
        await CreateAsync("One");

        var page = Render<WebhooksPage>();

        page.WaitForAssertion(() => Assert.Contains("Rows per page:", page.Find(".mud-table-pagination").TextContent));
        Assert.Contains("1-1 of 1", page.Find(".mud-table-pagination").TextContent);
        Assert.NotNull(page.Find(".mud-table-pagination button[aria-label='Next page']"));
    }

    [Fact]
    public async Task The_selection_is_counted_in_spanish()
    {
        var ids = new List<string>();
        for (var i = 0; i < 2; i++)
            ids.Add(await CreateAsync($"Webhook {i}"));
        Culture = "es-CL";
        var page = Render<WebhooksPage>();
        page.WaitForAssertion(() => Assert.Equal(2, Rows(page).Count));

        page.Find("thead input[type=checkbox]").Change(true);

        page.WaitForAssertion(() => Assert.Equal("2 webhooks seleccionados", page.Find("[data-testid=selection-bar] p").TextContent.Trim()));
    }

    [Fact]
    public void A_refused_save_names_each_field_in_spanish()
    {
        var page = RenderNewInSpanish();

        page.Find("[data-testid=save]").Click();

        page.WaitForAssertion(() => Assert.Contains("El nombre es obligatorio.", page.Markup));
        Assert.Contains("La URL es obligatoria.", page.Markup);
        Assert.Contains("El disparador es obligatorio.", page.Markup);
        Assert.Contains(Get<ISnackbar>().ShownSnackbars, s => s.Message == "No se guardó: corrige los campos marcados.");
        Assert.Equal(["Información general", "Registros"], page.FindAll(".mud-tab").Select(t => t.TextContent.Trim()));
        Assert.Equal("Nuevo webhook", page.Find("h1").TextContent.Trim());
    }

    [Fact]
    public void The_trigger_select_offers_the_spanish_labels_and_keeps_the_documented_values()
    {
        var page = RenderNewInSpanish();

        ChooseTrigger(page, "Crear/Editar/Eliminar Tarea");

        page.WaitForAssertion(() => Assert.Contains("Flujo de trabajo", page.Find("[data-testid=general-information]").TextContent));
        page.Find("[data-testid=field-name]").Input("Órdenes de trabajo");
        page.WaitForAssertion(() => Assert.Equal("ordenes_de_trabajo", page.Find("[data-testid=field-code]").GetAttribute("value")));
    }

    [Fact]
    public async Task A_spanish_save_stores_the_same_trigger_value_and_code()
    {
        var page = RenderNewInSpanish();
        page.Find("[data-testid=field-name]").Input("Órdenes de trabajo");
        page.Find("[data-testid=field-url]").Input("https://receptor.example/hook");
        ChooseTrigger(page, "Cierre de sesión de usuario");

        page.Find("[data-testid=save]").Click();

        page.WaitForAssertion(() => Assert.Contains(Get<ISnackbar>().ShownSnackbars, s => s.Message == "Webhook \"Órdenes de trabajo\" creado."));
        var saved = Assert.Single(await Webhooks.ListAsync(Acme));
        Assert.Equal("logout-user", saved.Trigger);
        Assert.Equal("ordenes_de_trabajo", saved.Code);
    }

    [Fact]
    public async Task Result_chips_and_execution_dates_follow_an_es_CL_admin()
    {
        Context.JSInterop.Setup<string?>("webhookAdmin.timeZone").SetResult("America/Santiago");
        var webhook = ((WebhookOutcome.Saved)await Webhooks.CreateAsync(Acme, new WebhookDraft("Usuarios", "https://receptor.example/hook", WebhookTrigger.User))).Webhook;
        var deliveries = new Deliveries(Context.Services);
        await deliveries.PublishUserEditAsync(Acme, new { name = "Ada" });
        await deliveries.AttemptAsync(webhook.Id, 200, "{}");
        var createdAt = (await Get<WebhookLogQueries>().ListAsync(Acme, webhook.Id))!.Items.Single().CreatedAt;
        Culture = "es-CL";

        var tab = Render<LogsTab>(p => p.Add(t => t.WebhookId, webhook.Id));

        var expected = TimeZoneInfo.ConvertTimeFromUtc(createdAt, TimeZoneInfo.FindSystemTimeZoneById("America/Santiago")).ToString("G", CultureInfo.GetCultureInfo("es-CL"));
        tab.WaitForAssertion(() => Assert.Equal(expected, tab.Find("td[data-column=execution-date] span").TextContent));
        Assert.Matches(@"^\d{2}-\d{2}-\d{4} ", expected);
        var chip = tab.Find("td[data-column=result] .log-result");
        Assert.Equal("EXITOSO", chip.TextContent.Trim());
        Assert.Equal("SUCCESS", chip.GetAttribute("data-result"));
        Assert.Equal(["Resultado", "Fecha de ejecución", "Secuencia", "Estado", "Reintentos", "Evento", "Registro"], tab.FindAll("thead th").Select(th => th.TextContent.Trim()));
    }

    [Fact]
    public void The_json_viewers_controls_are_spanish_for_an_es_CL_admin()
    {
        Culture = "es-CL";

        var viewer = Render<JsonViewer>(p => p.Add(v => v.Json, """{"a":1,"b":[1,2],"c":{"d":true}}"""));

        Assert.Equal(["Árbol", "Texto"], viewer.FindAll(".json-viewer-toolbar button").Select(b => b.TextContent.Trim()));
        viewer.Find("[data-path='$'] > button.json-toggle").Click();
        Assert.Equal("3 claves", viewer.Find("[data-path='$'] > .json-summary").TextContent);
        Assert.Equal("Expandir $", viewer.Find("[data-path='$'] > button.json-toggle").GetAttribute("aria-label"));
    }

    [Fact]
    public void The_json_viewers_show_more_and_show_all_buttons_are_spanish_for_an_es_CL_admin()
    {
        Culture = "es-CL";
        var json = $$"""{"items":[{{string.Join(",", Enumerable.Range(0, 1_101))}}],"text":"{{new string('a', 2_500)}}"}""";

        var viewer = Render<JsonViewer>(p => p.Add(v => v.Json, json));

        var buttons = viewer.FindAll("button.json-more");
        Assert.Equal(["Mostrar 100 más (quedan 1.001)", "Mostrar todo (2.500 caracteres)"], buttons.Select(b => b.TextContent));
        Assert.Equal(["Mostrar 100 más (quedan 1.001) en $.items", "Mostrar todo (2.500 caracteres) de $.text"], buttons.Select(b => b.GetAttribute("aria-label")));
    }

    [Fact]
    public void Text_that_is_not_json_is_said_in_spanish()
    {
        Culture = "es-CL";

        var viewer = Render<JsonViewer>(p => p.Add(v => v.Json, "<html>ocupado</html>"));

        Assert.Equal("No es JSON: se muestra como texto", viewer.Find(".json-viewer-note").TextContent.Trim());
    }

    [Theory]
    [InlineData("en", "Language: English", "Sign out")]
    [InlineData("es-CL", "Idioma: Español", "Cerrar sesión")]
    public void The_app_bar_names_the_language_in_use_and_offers_both(string culture, string menuName, string signOut)
    {
        Culture = culture;

        var layout = RenderLayout();
        layout.Find($"[data-testid=language-menu] button[aria-label='{menuName}']").Click();

        layout.WaitForAssertion(() => Assert.Equal(["English", "Español"], layout.FindAll(".mud-menu-item").Select(i => i.TextContent.Trim())));
        Assert.Contains(layout.FindAll("button[type=submit]"), b => b.TextContent.Contains(signOut));
    }

    [Fact]
    public void Choosing_a_language_reloads_the_page_through_the_culture_endpoint()
    {
        var navigation = Get<NavigationManager>();
        navigation.NavigateTo("/admin/webhooks?x=1");
        var layout = RenderLayout();
        layout.Find("[data-testid=language-menu] button").Click();

        layout.WaitForAssertion(() => layout.FindAll(".mud-menu-item").Single(i => i.TextContent.Trim() == "Español").Click());

        Assert.Equal("http://localhost/culture/set?culture=es&redirectUri=%2Fadmin%2Fwebhooks%3Fx%3D1", navigation.Uri);
    }

    [Fact]
    public async Task A_confirmation_cancels_in_spanish_and_counts_the_rest()
    {
        Culture = "es-CL";
        ApplyCulture();

        Task<bool> answer = null!;
        // A block body: an expression lambda would bind to Func<Task> and wait for the answer nobody has given yet.
        await Dialogs.InvokeAsync(() =>
        {
            answer = WebhookAdmin.Components.UI.ConfirmDialog.AskAsync(Get<IDialogService>(), "¿Desactivar 12 webhooks?", "Dejan de enviar eventos.", "Desactivar",
                ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l"]);
        });

        Dialogs.WaitForAssertion(() => Assert.Contains("y 2 más", Dialogs.Markup));
        Dialogs.FindAll(".mud-dialog button").Single(b => b.TextContent.Trim() == "Cancelar").Click();
        Assert.False(await answer.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task A_webhook_held_for_its_probe_is_explained_in_spanish()
    {
        var id = await CreateAsync("Receptor a prueba");
        await Deliveries.HoldForProbeAsync(Context.Services, id, DateTime.UtcNow.AddMinutes(4));
        Culture = "es-CL";

        Get<NavigationManager>().NavigateTo($"/admin/webhooks/{id}");
        var settings = Render<WebhookSettingsPage>(p => p.Add(x => x.Id, id));

        settings.WaitForAssertion(() => Assert.Contains("fallaron (30 seguidos): sus envíos quedan en espera y un envío de prueba sale el",
            settings.Find("[data-testid=probing]").TextContent));
        Assert.Contains("se reanuda solo", settings.Find("[data-testid=probing]").TextContent);
    }

    [Fact]
    public async Task An_automatic_deactivation_is_explained_in_spanish_in_the_row_and_the_settings_panel()
    {
        var id = await CreateAsync("Receptor caído");
        await Deliveries.DeactivateAutomaticallyAsync(Context.Services, id);
        Culture = "es-CL";

        var panel = Render<WebhooksPage>();
        panel.Find("[data-testid=more-options] button").Click();
        Popovers.WaitForAssertion(() => Popovers.FindAll(".mud-menu-item").Single(i => i.TextContent.Trim() == "Mostrar desactivados").Click());

        panel.WaitForAssertion(() => Assert.Matches(@"^Desactivado automáticamente: todos los envíos desde el .+ fallaron \(30 seguidos\)\.$",
            panel.Find("[data-testid=auto-disabled]").TextContent.Trim()));

        Get<NavigationManager>().NavigateTo($"/admin/webhooks/{id}");
        var settings = Render<WebhookSettingsPage>(p => p.Add(x => x.Id, id));
        settings.WaitForAssertion(() => Assert.Contains("Desactivado automáticamente el", settings.Find("[data-testid=auto-disabled]").TextContent));
        Assert.Contains("fallaron (30 seguidos)", settings.Find("[data-testid=auto-disabled]").TextContent);
        Assert.Contains("saldrán en orden", settings.Find("[data-testid=auto-disabled]").TextContent);
    }

    private IRenderedComponent<WebhookSettingsPage> RenderNewInSpanish()
    {
        Culture = "es-CL";
        Get<NavigationManager>().NavigateTo("/admin/webhooks/new");
        return Render<WebhookSettingsPage>();
    }

    private void ChooseTrigger(IRenderedComponent<WebhookSettingsPage> page, string label)
    {
        page.Find("[data-testid=general-information] .mud-select .mud-input-control").MouseDown();
        Popovers.WaitForAssertion(() => Popovers.FindAll(".mud-list-item").Single(i => i.TextContent.Trim() == label).Click());
    }

    /// <summary>The layout hosts its own popover provider, so it is rendered without the base class's one.</summary>
    private IRenderedComponent<MainLayout> RenderLayout()
    {
        ApplyCulture();
        return Context.Render<MainLayout>(p => p.Add(l => l.Body, (RenderFragment)(b => b.AddContent(0, "page body"))));
    }

    private async Task<string> CreateAsync(string name, string trigger = WebhookTrigger.User, WebhookContext? context = null) =>
        ((WebhookOutcome.Saved)await Webhooks.CreateAsync(Acme, new WebhookDraft(name, "https://receptor.example/hook", trigger, context))).Webhook.Id;

    private static IReadOnlyList<AngleSharp.Dom.IElement> Rows(IRenderedComponent<WebhooksPage> page) =>
        page.FindAll("[data-testid=webhooks-table] tbody tr").Where(r => r.QuerySelector(".webhook-name") is not null).ToList();
}
