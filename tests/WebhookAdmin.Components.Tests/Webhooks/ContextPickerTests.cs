using AngleSharp.Dom;
using WebhookAdmin.Components.Tests.Support;
using WebhookAdmin.Core.ContextDirectory;
using WebhookAdmin.Core.Webhooks;
using WebhookAdmin.Features.Webhooks.Settings;

namespace WebhookAdmin.Components.Tests.Webhooks;

/// <summary>The Workflow, Survey and Group pickers: searched by name or id, shown as "name · id", saved as the id.</summary>
public sealed class ContextPickerTests : SettingsPageTest
{
    private const string WorkOrders = "6261612a8f1e99002e5c8cce";
    private const string Survey = "6261612a8f1e99e93f5c8d03";
    private const string Group = "6261612a8f1e994b765c8cc8";

    private DirectoryService Directory => Get<DirectoryService>();

    [Fact]
    public async Task Typing_part_of_a_name_offers_the_workflow_as_name_and_id()
    {
        await Directory.PutAsync(Acme, ContextField.Workflow, WorkOrders, "Work orders");
        await Directory.PutAsync(Acme, ContextField.Workflow, "6261612a8f1e99002e5c8ccf", "Inspections");
        var page = RenderNew();
        ChooseTrigger(page, "Create/Edit/Remove Task");

        page.WaitForAssertion(() => Field(page, "workflow").Input("ORDERS"));

        Popovers.WaitForAssertion(() => Assert.Equal(["Work orders · " + WorkOrders], Items()));
    }

    [Fact]
    public async Task Picking_a_named_workflow_keeps_its_id_as_the_value_names_it_under_the_field_and_saves_the_id()
    {
        await Directory.PutAsync(Acme, ContextField.Workflow, WorkOrders, "Work orders");
        var page = RenderNew();
        Field(page, "name").Input("Work Orders Update");
        Field(page, "url").Input("https://www.server.com");
        ChooseTrigger(page, "Create/Edit/Remove Task");
        page.WaitForAssertion(() => Field(page, "workflow").Input("work"));

        Popovers.WaitForAssertion(() => Popovers.FindAll(".mud-list-item").Single(i => i.TextContent.Contains("Work orders")).Click());

        page.WaitForAssertion(() => Assert.Equal(WorkOrders, Field(page, "workflow").GetAttribute("value")));
        page.WaitForAssertion(() => Assert.Equal("Name in the directory: Work orders", HelperOf(page, "workflow")));
        page.Find("[data-testid=save]").Click();
        page.WaitForAssertion(() => Assert.Matches("/admin/webhooks/[0-9a-f]{24}$", Navigation.Uri));
        Assert.Equal(WorkOrders, (await Webhooks.GetAsync(Acme, Navigation.Uri[^24..]))!.Context.TaskGroup);
    }

    [Fact]
    public async Task A_pasted_object_id_nobody_knows_is_kept_as_typed_and_saved()
    {
        const string unknown = "6261612a8f1e99002e5c9999";
        var page = RenderNew();
        Field(page, "name").Input("Unknown workflow");
        Field(page, "url").Input("https://www.server.com");
        ChooseTrigger(page, "Create/Edit/Remove Task");

        page.WaitForAssertion(() => Field(page, "workflow").Input(unknown.ToUpperInvariant()));

        Popovers.WaitForAssertion(() => Assert.Contains("Not in the directory and not used yet: it will be saved as typed.", Popovers.Markup));
        page.Find("[data-testid=save]").Click();
        page.WaitForAssertion(() => Assert.Matches("/admin/webhooks/[0-9a-f]{24}$", Navigation.Uri));
        Assert.Equal(unknown, (await Webhooks.GetAsync(Acme, Navigation.Uri[^24..]))!.Context.TaskGroup);
    }

    [Fact]
    public async Task An_id_only_a_webhook_uses_is_still_offered_by_id_alone()
    {
        await Webhooks.CreateAsync(Acme, new WebhookDraft("Existing", "https://www.server.com", WebhookTrigger.Task, new WebhookContext("", "", WorkOrders)));
        var page = RenderNew();
        ChooseTrigger(page, "Create/Edit/Remove Task");

        page.WaitForAssertion(() => Field(page, "workflow").Input("6261"));

        Popovers.WaitForAssertion(() => Assert.Equal([WorkOrders], Items()));
    }

    [Fact]
    public async Task The_settings_panel_names_the_survey_and_group_a_saved_webhook_holds_and_describes_the_fields_with_them()
    {
        await Directory.PutAsync(Acme, ContextField.Survey, Survey, "Site inspection");
        await Directory.PutAsync(Acme, ContextField.Group, Group, "North region");
        var id = ((WebhookOutcome.Saved)await Webhooks.CreateAsync(Acme, new WebhookDraft("Inspections", "https://www.test.com", WebhookTrigger.Survey,
            new WebhookContext(Survey, Group, "")))).Webhook.Id;

        var page = RenderLoaded(id);

        page.WaitForAssertion(() => Assert.Equal("Name in the directory: Site inspection", HelperOf(page, "survey")));
        Assert.Equal("Name in the directory: North region", HelperOf(page, "group"));
        Assert.Equal(Survey, Field(page, "survey").GetAttribute("value"));
        Assert.Equal(Group, Field(page, "group").GetAttribute("value"));
        // The name is read out with the field: the helper line is part of the input's description.
        var helperId = Helper(page, "survey").Id;
        Assert.Contains(helperId!, Field(page, "survey").GetAttribute("aria-describedby") ?? "");
    }

    [Fact]
    public async Task A_spanish_admin_reads_the_name_and_the_list_in_spanish()
    {
        await Directory.PutAsync(Acme, ContextField.Workflow, WorkOrders, "Órdenes de trabajo");
        var id = ((WebhookOutcome.Saved)await Webhooks.CreateAsync(Acme, new WebhookDraft("Órdenes", "https://www.server.com", WebhookTrigger.Task,
            new WebhookContext("", "", WorkOrders)))).Webhook.Id;
        Culture = "es-CL";

        var page = RenderLoaded(id);
        page.WaitForAssertion(() => Assert.Equal("Nombre en el directorio: Órdenes de trabajo", HelperOf(page, "workflow")));
        Field(page, "workflow").Input("zzz");

        Popovers.WaitForAssertion(() => Assert.Contains("Nada coincide con ese nombre o id.", Popovers.Markup));
        Field(page, "workflow").Input("órdenes");
        Popovers.WaitForAssertion(() => Assert.Equal(["Órdenes de trabajo · " + WorkOrders], Items()));
    }

    private List<string> Items() => Popovers.FindAll(".mud-list-item").Select(i => i.TextContent.Trim()).ToList();

    private static string HelperOf(IRenderedComponent<WebhookSettingsPage> page, string field) => Helper(page, field).TextContent.Trim();

    /// <summary>The line under the field (MudBlazor's helper text), found from the field's input.</summary>
    private static IElement Helper(IRenderedComponent<WebhookSettingsPage> page, string field) =>
        Field(page, field).Closest(".mud-input-control")?.QuerySelector(".mud-input-helper-text")
        ?? throw new Xunit.Sdk.XunitException($"No helper line under {field}.");
}
