using System.Globalization;
using Microsoft.EntityFrameworkCore;
using WebhookAdmin.Core.Webhooks;
using WebhookAdmin.Tests.Support;

namespace WebhookAdmin.Tests.Webhooks;

public sealed class WebhookListingTests : DatabaseTest
{
    private WebhookService Service => Get<WebhookService>();
    private WebhookListing Listing => Get<WebhookListing>();

    [Fact]
    public async Task Disabled_webhooks_are_hidden_until_asked_for()
    {
        await Service.CreateAsync(Ids.Acme, Drafts.User("Active one"));
        var disabled = (await Service.CreateAsync(Ids.Acme, Drafts.User("Disabled one"))).Saved();
        await Service.SetActiveAsync(Ids.Acme, disabled.Id, false);

        var hidden = await Listing.QueryAsync(Ids.Acme, new WebhookQuery());
        var shown = await Listing.QueryAsync(Ids.Acme, new WebhookQuery(IncludeDisabled: true));

        Assert.Equal(["Active one"], hidden.Items.Select(w => w.Name));
        Assert.Equal(1, hidden.Total);
        Assert.Equal([("Active one", true), ("Disabled one", false)], shown.Items.Select(w => (w.Name, w.IsActive)));
        Assert.Equal(2, shown.Total);
    }

    [Fact]
    public async Task Search_matches_name_code_or_url_case_insensitively_and_treats_wildcards_literally()
    {
        await Service.CreateAsync(Ids.Acme, Drafts.User("CRM sync", url: "https://crm.example/hook", code: "crm_sync"));
        await Service.CreateAsync(Ids.Acme, Drafts.User("Billing", url: "https://billing.example/in", code: "billing"));
        await Service.CreateAsync(Ids.Acme, Drafts.User("Audit", url: "https://audit.example/hook", code: "auditxlog"));

        Assert.Equal(["CRM sync"], await Names(new WebhookQuery("crm")));
        Assert.Equal(["CRM sync"], await Names(new WebhookQuery("CRM_SYNC")));
        Assert.Equal(["Billing"], await Names(new WebhookQuery("example/in")));
        // "_" is a LIKE wildcard; searching for it must not match "auditxlog".
        Assert.Equal(["CRM sync"], await Names(new WebhookQuery("_")));
        Assert.Empty(await Names(new WebhookQuery("%")));
    }

    [Fact]
    public async Task Names_sort_as_a_reader_expects_whatever_their_case_or_accents()
    {
        foreach (var name in new[] { "Zebra", "apple", "Órdenes", "Banana", "ostras" })
            await Service.CreateAsync(Ids.Acme, Drafts.User(name));

        Assert.Equal(["apple", "Banana", "Órdenes", "ostras", "Zebra"], await Names(new WebhookQuery()));
        Assert.Equal(["Zebra", "ostras", "Órdenes", "Banana", "apple"], await Names(new WebhookQuery(Descending: true)));
    }

    [Fact]
    public async Task A_renamed_webhook_sorts_by_its_new_name()
    {
        var id = (await Service.CreateAsync(Ids.Acme, Drafts.User("Zulu"))).Saved().Id;
        await Service.CreateAsync(Ids.Acme, Drafts.User("Mike"));

        var renamed = await Service.UpdateAsync(Ids.Acme, id, new WebhookChanges(Name: "Álamo"));

        Assert.IsType<WebhookOutcome.Saved>(renamed);
        Assert.Equal(["Álamo", "Mike"], await Names(new WebhookQuery()));
    }

    [Fact]
    public async Task Start_up_folds_again_the_sort_names_sql_could_not_fold_and_leaves_the_version_alone()
    {
        var created = (await Service.CreateAsync(Ids.Acme, Drafts.User("Órdenes"))).Saved();
        var id = created.Id;
        await using (var db = await Db.Contexts.CreateDbContextAsync())
        {
            // What the migration's lower() leaves for an accented name on SQLite.
            await db.Webhooks.Where(w => w.Id == id).ExecuteUpdateAsync(set => set.SetProperty(w => w.SortName, "Órdenes"));
        }

        await Get<WebhookAdmin.Core.Storage.IStorageMigrator>().MigrateAsync(CancellationToken.None);

        var webhook = (await Service.GetAsync(Ids.Acme, id))!;
        Assert.Equal(("ordenes", created.Version), (webhook.SortName, webhook.Version));
    }

    [Fact]
    public async Task Search_finds_accented_names_in_any_case_typed_with_or_without_accents()
    {
        await Service.CreateAsync(Ids.Acme, Drafts.User("Órdenes de trabajo", code: "ordenes"));
        await Service.CreateAsync(Ids.Acme, Drafts.User("Inspección técnica", code: "inspeccion"));
        await Service.CreateAsync(Ids.Acme, Drafts.User("Otra cosa", code: "otra"));

        Assert.Equal(["Órdenes de trabajo"], await Names(new WebhookQuery("Órdenes")));
        Assert.Equal(["Órdenes de trabajo"], await Names(new WebhookQuery("ÓRDENES DE")));
        Assert.Equal(["Órdenes de trabajo"], await Names(new WebhookQuery("ordenes")));
        Assert.Equal(["Inspección técnica"], await Names(new WebhookQuery("INSPECCION TECNICA")));
        Assert.Equal(["Inspección técnica"], await Names(new WebhookQuery("técnica")));
    }

    [Fact]
    public async Task Sorting_by_trigger_follows_the_label_the_admin_reads()
    {
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("en");
        await Service.CreateAsync(Ids.Acme, new WebhookDraft("Logouts", "https://a.example", WebhookTrigger.LogoutUser));
        await Service.CreateAsync(Ids.Acme, Drafts.Task("Tasks"));
        await Service.CreateAsync(Ids.Acme, new WebhookDraft("Notes", "https://b.example", WebhookTrigger.Note));

        var ascending = await Listing.QueryAsync(Ids.Acme, new WebhookQuery(Sort: WebhookSort.Trigger));
        var descending = await Listing.QueryAsync(Ids.Acme, new WebhookQuery(Sort: WebhookSort.Trigger, Descending: true));

        Assert.Equal(["Create/Edit/Remove Note", "Create/Edit/Remove Task", "User Logout"], ascending.Items.Select(w => w.TriggerLabel));
        Assert.Equal(["User Logout", "Create/Edit/Remove Task", "Create/Edit/Remove Note"], descending.Items.Select(w => w.TriggerLabel));
    }

    [Fact]
    public async Task Sorting_by_trigger_follows_the_spanish_labels_for_a_spanish_admin()
    {
        await Service.CreateAsync(Ids.Acme, new WebhookDraft("Logouts", "https://a.example", WebhookTrigger.LogoutUser));
        await Service.CreateAsync(Ids.Acme, Drafts.Task("Tasks"));
        await Service.CreateAsync(Ids.Acme, new WebhookDraft("Notes", "https://b.example", WebhookTrigger.Note));
        await Service.CreateAsync(Ids.Acme, Drafts.User("Users"));
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("es-CL");

        var ascending = await Listing.QueryAsync(Ids.Acme, new WebhookQuery(Sort: WebhookSort.Trigger));
        var descending = await Listing.QueryAsync(Ids.Acme, new WebhookQuery(Sort: WebhookSort.Trigger, Descending: true));

        // In English the logouts sort last ("User Logout"); in Spanish first ("Cierre de sesión de usuario").
        Assert.Equal(["Cierre de sesión de usuario", "Crear/Editar/Eliminar Nota", "Crear/Editar/Eliminar Tarea", "Crear/Editar/Eliminar Usuario"],
            ascending.Items.Select(w => w.TriggerLabel));
        Assert.Equal(["Logouts", "Notes", "Tasks", "Users"], ascending.Items.Select(w => w.Name));
        Assert.Equal(["Users", "Tasks", "Notes", "Logouts"], descending.Items.Select(w => w.Name));
    }

    [Fact]
    public async Task Pages_cover_every_webhook_once_with_the_total_of_all_matches()
    {
        for (var i = 0; i < 7; i++)
            await Service.CreateAsync(Ids.Acme, Drafts.User("Same name"));

        var seen = new List<string>();
        for (var page = 0; page < 3; page++)
        {
            var result = await Listing.QueryAsync(Ids.Acme, new WebhookQuery(PageIndex: page, PageSize: 3));
            Assert.Equal(7, result.Total);
            seen.AddRange(result.Items.Select(w => w.Id));
        }

        Assert.Equal(7, seen.Distinct().Count());
    }

    [Fact]
    public async Task Another_companys_webhooks_are_never_listed_or_offered()
    {
        await Service.CreateAsync(Ids.Globex, Drafts.Task("Globex tasks", workflow: Ids.OtherWorkflow));

        Assert.Equal(0, (await Listing.QueryAsync(Ids.Acme, new WebhookQuery(IncludeDisabled: true))).Total);
        Assert.Empty(await Listing.UsedContextIdsAsync(Ids.Acme, ContextField.Workflow));
    }

    [Fact]
    public async Task Pickers_offer_the_distinct_ids_the_company_uses_filtered_by_prefix()
    {
        await Service.CreateAsync(Ids.Acme, Drafts.Task("A", workflow: Ids.Workflow));
        await Service.CreateAsync(Ids.Acme, Drafts.Task("B", workflow: Ids.Workflow));
        await Service.CreateAsync(Ids.Acme, Drafts.Task("C", workflow: Ids.OtherWorkflow));
        await Service.CreateAsync(Ids.Acme, Drafts.Survey());

        Assert.Equal(new[] { Ids.Workflow, Ids.OtherWorkflow }.Order(), await Listing.UsedContextIdsAsync(Ids.Acme, ContextField.Workflow));
        Assert.Equal([Ids.OtherWorkflow], await Listing.UsedContextIdsAsync(Ids.Acme, ContextField.Workflow, Ids.OtherWorkflow.ToUpperInvariant()));
        Assert.Equal([Ids.Survey], await Listing.UsedContextIdsAsync(Ids.Acme, ContextField.Survey));
        Assert.Equal([Ids.Group], await Listing.UsedContextIdsAsync(Ids.Acme, ContextField.Group));
    }

    private async Task<IReadOnlyList<string>> Names(WebhookQuery query) =>
        (await Listing.QueryAsync(Ids.Acme, query)).Items.Select(w => w.Name).ToList();
}
