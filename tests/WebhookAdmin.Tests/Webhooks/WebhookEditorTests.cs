using WebhookAdmin.Core.Webhooks;
using WebhookAdmin.Features.Webhooks.Settings;
using WebhookAdmin.Tests.Support;

namespace WebhookAdmin.Tests.Webhooks;

public sealed class WebhookEditorTests : DatabaseTest
{
    private WebhookService Service => Get<WebhookService>();

    private WebhookEditor NewEditor() => new(Service, Ids.Acme);

    [Fact]
    public async Task Code_follows_the_name_until_typed_by_hand()
    {
        var editor = NewEditor();

        await editor.SetNameAsync("Work Orders");
        Assert.Equal("work_orders", editor.Form.Code);
        await editor.SetNameAsync("Work Orders Update");
        Assert.Equal("work_orders_update", editor.Form.Code);

        await editor.SetCodeAsync("wo");
        await editor.SetNameAsync("Something else");
        Assert.Equal("wo", editor.Form.Code);
    }

    [Fact]
    public async Task Clearing_the_code_hands_it_back_to_the_suggestion()
    {
        var editor = NewEditor();
        await editor.SetNameAsync("Órdenes de compra #2");
        await editor.SetCodeAsync("mine");

        await editor.SetCodeAsync("");

        Assert.Equal("ordenes_de_compra_2", editor.Form.Code);
        await editor.SetNameAsync("Purchase orders");
        Assert.Equal("purchase_orders", editor.Form.Code);
    }

    [Fact]
    public async Task Suggestion_skips_codes_the_company_already_uses()
    {
        await Service.CreateAsync(Ids.Acme, Drafts.User("CRM sync"));
        var editor = NewEditor();

        await editor.SetNameAsync("CRM sync");

        Assert.Equal("crm_sync_2", editor.Form.Code);
    }

    [Fact]
    public async Task A_taken_or_malformed_code_is_reported_while_typing()
    {
        await Service.CreateAsync(Ids.Acme, Drafts.User("CRM sync", code: "crm_sync"));
        var editor = NewEditor();
        await editor.SetNameAsync("Another");

        await editor.SetCodeAsync("crm_sync");
        Assert.Equal("Code 'crm_sync' is already used by another webhook of this company.", editor.ErrorFor(WebhookFields.Code));

        await editor.SetCodeAsync("CRM-Sync");
        Assert.Equal("Code may contain only lowercase letters, digits and underscores.", editor.ErrorFor(WebhookFields.Code));

        await editor.SetCodeAsync("crm_sync_eu");
        Assert.Null(editor.ErrorFor(WebhookFields.Code));
    }

    [Fact]
    public async Task Switching_trigger_clears_the_fields_the_new_trigger_does_not_use()
    {
        var editor = NewEditor();
        editor.SetTrigger(WebhookTrigger.Survey);
        editor.SetSurvey(Ids.Survey);
        editor.SetGroup(Ids.Group);

        editor.SetTrigger(WebhookTrigger.Task);
        Assert.Equal(("", "", ""), (editor.Form.Survey, editor.Form.Group, editor.Form.Workflow));
        Assert.Equal(TriggerContext.Workflow, editor.Form.TriggerContext);

        editor.SetWorkflow(Ids.Workflow.ToUpperInvariant() + "  ");
        editor.SetTrigger(WebhookTrigger.User);
        Assert.Equal("", editor.Form.Workflow);
    }

    [Fact]
    public async Task Save_is_refused_with_a_message_per_field_and_nothing_typed_is_lost()
    {
        var editor = NewEditor();
        await editor.SetNameAsync("Tasks");
        editor.SetUrl("ftp://files.example");
        editor.SetTrigger(WebhookTrigger.Task);
        editor.SetWorkflow("not-an-id");
        var typed = editor.Form;

        var result = await editor.SaveAsync();

        Assert.Equal(SaveResult.Invalid, result);
        Assert.Equal("Url must be an absolute http:// or https:// address.", editor.ErrorFor(WebhookFields.Url));
        Assert.Equal("A workflow must be a 24-character hexadecimal ObjectId.", editor.ErrorFor(WebhookFields.Workflow));
        Assert.Null(editor.ErrorFor(WebhookFields.Name));
        Assert.Equal(typed, editor.Form);
        Assert.True(editor.IsNew);
        Assert.Equal(0, (await Get<WebhookListing>().QueryAsync(Ids.Acme, new WebhookQuery(IncludeDisabled: true))).Total);
    }

    [Fact]
    public async Task Untouched_fields_show_no_error_until_a_save_is_tried()
    {
        var editor = NewEditor();

        Assert.Null(editor.ErrorFor(WebhookFields.Name));
        Assert.Null(editor.ErrorFor(WebhookFields.Url));

        await editor.SaveAsync();

        Assert.Equal("Name is required.", editor.ErrorFor(WebhookFields.Name));
        Assert.Equal("Url is required.", editor.ErrorFor(WebhookFields.Url));
        Assert.Equal("Trigger is required.", editor.ErrorFor(WebhookFields.Trigger));
    }

    [Fact]
    public async Task Code_is_frozen_after_first_save()
    {
        var editor = await SavedTaskEditorAsync();

        await editor.SetCodeAsync("changed");

        Assert.Equal("work_orders_update", editor.Form.Code);
        Assert.False(editor.IsNew);
        Assert.False(editor.IsDirty);
    }

    [Fact]
    public async Task Saving_an_edit_stores_it_and_leaves_nothing_unsaved()
    {
        var editor = await SavedTaskEditorAsync();
        await editor.SetNameAsync("Work orders (EU)");
        Assert.True(editor.IsDirty);

        Assert.Equal(SaveResult.Updated, await editor.SaveAsync());

        Assert.False(editor.IsDirty);
        var stored = await Service.GetAsync(Ids.Acme, editor.Id!);
        Assert.Equal(("Work orders (EU)", "work_orders_update", 1), (stored!.Name, stored.Code, stored.Version));
    }

    [Fact]
    public async Task A_concurrent_save_by_another_admin_is_reported_not_overwritten()
    {
        var mine = await SavedTaskEditorAsync();
        var theirs = NewEditor();
        theirs.Load((await Service.GetAsync(Ids.Acme, mine.Id!))!);
        await theirs.SetNameAsync("Their name");
        await theirs.SaveAsync();

        await mine.SetNameAsync("My name");
        var result = await mine.SaveAsync();

        Assert.Equal(SaveResult.Conflict, result);
        Assert.Equal("Their name", mine.Conflict!.Name);
        Assert.Equal("My name", mine.Form.Name);
        Assert.Equal("Their name", (await Service.GetAsync(Ids.Acme, mine.Id!))!.Name);
    }

    [Fact]
    public async Task After_a_conflict_the_admin_may_take_theirs_or_knowingly_keep_mine()
    {
        var mine = await SavedTaskEditorAsync();
        await Service.UpdateAsync(Ids.Acme, mine.Id!, new WebhookChanges(Name: "Theirs"));
        await mine.SetNameAsync("Mine");
        await mine.SaveAsync();

        mine.DiscardMineForTheirs();
        Assert.Equal(("Theirs", false, (Webhook?)null), (mine.Form.Name, mine.IsDirty, mine.Conflict));

        await Service.UpdateAsync(Ids.Acme, mine.Id!, new WebhookChanges(Url: "https://theirs.example"));
        await mine.SetNameAsync("Mine again");
        Assert.Equal(SaveResult.Conflict, await mine.SaveAsync());
        mine.KeepMineOverTheirs();
        Assert.Equal(SaveResult.Updated, await mine.SaveAsync());

        var stored = await Service.GetAsync(Ids.Acme, mine.Id!);
        Assert.Equal("Mine again", stored!.Name);
    }

    [Fact]
    public async Task Activating_a_saved_webhook_applies_at_once_and_keeps_unsaved_edits_unsaved()
    {
        var editor = await SavedTaskEditorAsync();
        editor.SetDescription("Typed, not saved");

        Assert.Equal(SaveResult.Updated, await editor.SetActiveAsync(false));

        var stored = await Service.GetAsync(Ids.Acme, editor.Id!);
        Assert.False(stored!.IsActive);
        Assert.Equal("Sends updates on Work Orders", stored.Description);
        Assert.True(editor.IsDirty);
        Assert.Equal(SaveResult.Updated, await editor.SaveAsync());
        Assert.Equal(("Typed, not saved", false), ((await Service.GetAsync(Ids.Acme, editor.Id!))!.Description, editor.Form.IsActive));
    }

    [Fact]
    public async Task A_new_webhook_can_be_created_disabled()
    {
        var editor = NewEditor();
        await FillTaskAsync(editor);
        editor.SetActiveOnCreate(false);

        Assert.Equal(SaveResult.Created, await editor.SaveAsync());

        Assert.False((await Service.GetAsync(Ids.Acme, editor.Id!))!.IsActive);
    }

    private async Task<WebhookEditor> SavedTaskEditorAsync()
    {
        var editor = NewEditor();
        await FillTaskAsync(editor);
        Assert.Equal(SaveResult.Created, await editor.SaveAsync());
        return editor;
    }

    private static async Task FillTaskAsync(WebhookEditor editor)
    {
        await editor.SetNameAsync("Work Orders Update");
        editor.SetUrl("https://www.server.com");
        editor.SetDescription("Sends updates on Work Orders");
        editor.SetTrigger(WebhookTrigger.Task);
        editor.SetWorkflow(Ids.Workflow);
    }
}
