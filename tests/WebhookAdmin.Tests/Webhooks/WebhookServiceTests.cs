using Microsoft.EntityFrameworkCore;
using WebhookAdmin.Core;
using WebhookAdmin.Core.Webhooks;
using WebhookAdmin.Tests.Support;

namespace WebhookAdmin.Tests.Webhooks;

public sealed class WebhookServiceTests : DatabaseTest
{
    private WebhookService Service => Get<WebhookService>();

    [Fact]
    public async Task Created_webhook_is_stored_with_an_objectid_a_secret_and_version_zero()
    {
        var created = (await Service.CreateAsync(Ids.Acme, Drafts.Task())).Saved();

        var stored = await Service.GetAsync(Ids.Acme, created.Id);
        Assert.NotNull(stored);
        Assert.True(ObjectId.IsValid(stored.Id));
        Assert.Equal(0, stored.Version);
        Assert.True(stored.IsActive);
        Assert.StartsWith("whsec_", stored.Secret);
        Assert.Equal("work_orders_update", stored.Code);
        Assert.Equal(new WebhookContext("", "", Ids.Workflow), stored.Context);
    }

    [Fact]
    public async Task Code_is_frozen_after_first_save()
    {
        var created = (await Service.CreateAsync(Ids.Acme, Drafts.User(code: "crm_sync"))).Saved();

        var outcome = await Service.UpdateAsync(Ids.Acme, created.Id, new WebhookChanges(Code: "crm_sync_v2", Name: "Renamed"));

        Assert.Contains("cannot be changed", Assert.Single(outcome.Errors()["code"]));
        var stored = await Service.GetAsync(Ids.Acme, created.Id);
        Assert.Equal(("crm_sync", "User changes", 0), (stored!.Code, stored.Name, stored.Version));
    }

    [Fact]
    public async Task Sending_the_same_code_back_on_update_is_accepted()
    {
        var created = (await Service.CreateAsync(Ids.Acme, Drafts.User(code: "crm_sync"))).Saved();

        var updated = (await Service.UpdateAsync(Ids.Acme, created.Id, new WebhookChanges(Code: "crm_sync", Name: "CRM"))).Saved();

        Assert.Equal(("crm_sync", "CRM", 1), (updated.Code, updated.Name, updated.Version));
    }

    [Fact]
    public async Task Code_must_be_unique_within_the_company()
    {
        await Service.CreateAsync(Ids.Acme, Drafts.User(code: "crm_sync"));

        var outcome = await Service.CreateAsync(Ids.Acme, Drafts.User(name: "Another", code: "crm_sync"));

        Assert.Contains("already used", Assert.Single(outcome.Errors()["code"]));
    }

    [Fact]
    public async Task The_same_code_may_exist_in_another_company()
    {
        await Service.CreateAsync(Ids.Acme, Drafts.User(code: "crm_sync"));

        var globex = (await Service.CreateAsync(Ids.Globex, Drafts.User(code: "crm_sync"))).Saved();

        Assert.Equal("crm_sync", globex.Code);
    }

    [Fact]
    public async Task A_missing_code_is_suggested_and_made_unique_in_the_company()
    {
        var first = (await Service.CreateAsync(Ids.Acme, Drafts.Task())).Saved();
        var second = (await Service.CreateAsync(Ids.Acme, Drafts.Task())).Saved();
        var third = (await Service.CreateAsync(Ids.Acme, Drafts.Task())).Saved();
        var otherCompany = (await Service.CreateAsync(Ids.Globex, Drafts.Task())).Saved();

        Assert.Equal(["work_orders_update", "work_orders_update_2", "work_orders_update_3", "work_orders_update"],
            new[] { first.Code, second.Code, third.Code, otherCompany.Code });
        Assert.Equal("work_orders_update_4", await Service.SuggestCodeAsync(Ids.Acme, "Work Orders Update"));
        Assert.Equal("ordenes_de_compra_2", await Service.SuggestCodeAsync(Ids.Acme, "Órdenes de compra #2"));
    }

    [Theory]
    [InlineData("Bad Code")]
    [InlineData("UPPER")]
    [InlineData("dash-ed")]
    [InlineData("ñandú")]
    public async Task Code_allows_only_lowercase_letters_digits_and_underscores(string code)
    {
        var outcome = await Service.CreateAsync(Ids.Acme, Drafts.User(code: code));

        Assert.Contains("lowercase letters, digits and underscores", Assert.Single(outcome.Errors()["code"]));
    }

    [Fact]
    public async Task Every_missing_field_is_reported_at_once_by_name()
    {
        var outcome = await Service.CreateAsync(Ids.Acme, new WebhookDraft(Name: " ", Url: null, Trigger: null));

        var errors = outcome.Errors();
        Assert.Equal(["name", "trigger", "url"], errors.Keys.Order());
        Assert.Equal("Name is required.", errors["name"].Single());
    }

    [Theory]
    [InlineData("ftp://files.example/hook")]
    [InlineData("/relative/path")]
    [InlineData("not a url")]
    [InlineData("https://user:pass@example.com/hook")]
    public async Task Url_must_be_an_absolute_http_or_https_address(string url)
    {
        var outcome = await Service.CreateAsync(Ids.Acme, Drafts.User(url: url));

        Assert.True(outcome.Errors().ContainsKey("url"));
    }

    [Fact]
    public async Task Unknown_trigger_is_refused_with_the_list_of_documented_ones()
    {
        var outcome = await Service.CreateAsync(Ids.Acme, Drafts.User() with { Trigger = "create-edit-delete-element" });

        var message = Assert.Single(outcome.Errors()["trigger"]);
        foreach (var trigger in WebhookTrigger.All)
            Assert.Contains(trigger.Value, message);
    }

    [Fact]
    public async Task Task_trigger_needs_a_workflow()
    {
        var outcome = await Service.CreateAsync(Ids.Acme, Drafts.Task(workflow: ""));

        Assert.Equal("A workflow is required for this trigger.", Assert.Single(outcome.Errors()["context.taskGroup"]));
    }

    [Fact]
    public async Task Survey_trigger_needs_a_survey_and_a_group_as_objectids()
    {
        var outcome = await Service.CreateAsync(Ids.Acme, Drafts.Survey(survey: "not-an-id", group: ""));

        var errors = outcome.Errors();
        Assert.Contains("24-character hexadecimal", errors["context.survey"].Single());
        Assert.Equal("A group is required for this trigger.", errors["context.group"].Single());
    }

    [Fact]
    public async Task Context_keeps_only_the_fields_the_trigger_uses()
    {
        var draft = Drafts.User() with { Context = new WebhookContext(Ids.Survey, Ids.Group, Ids.Workflow) };

        var created = (await Service.CreateAsync(Ids.Acme, draft)).Saved();

        Assert.Equal(WebhookContext.Empty, created.Context);
    }

    [Fact]
    public async Task Switching_trigger_clears_the_fields_that_no_longer_apply()
    {
        var task = (await Service.CreateAsync(Ids.Acme, Drafts.Task())).Saved();

        var switched = (await Service.UpdateAsync(Ids.Acme, task.Id, new WebhookChanges(
            Trigger: WebhookTrigger.Survey, Context: new WebhookContext(Ids.Survey, Ids.Group, Ids.Workflow)))).Saved();

        Assert.Equal(new WebhookContext(Ids.Survey, Ids.Group, ""), switched.Context);
    }

    [Fact]
    public async Task Uppercase_objectids_are_stored_lowercase()
    {
        var created = (await Service.CreateAsync(Ids.Acme, Drafts.Task(workflow: Ids.Workflow.ToUpperInvariant()))).Saved();

        Assert.Equal(Ids.Workflow, created.Context.TaskGroup);
        Assert.NotNull(await Service.GetAsync(Ids.Acme, created.Id.ToUpperInvariant()));
    }

    [Fact]
    public async Task A_stale_save_is_refused_as_a_conflict_and_changes_nothing()
    {
        var created = (await Service.CreateAsync(Ids.Acme, Drafts.User())).Saved();
        (await Service.UpdateAsync(Ids.Acme, created.Id, new WebhookChanges(Name: "First editor", ExpectedVersion: 0))).Saved();

        var outcome = await Service.UpdateAsync(Ids.Acme, created.Id, new WebhookChanges(Name: "Second editor", ExpectedVersion: 0));

        var conflict = Assert.IsType<WebhookOutcome.Conflict>(outcome);
        Assert.Equal(("First editor", 1), (conflict.Current.Name, conflict.Current.Version));
        Assert.Equal("First editor", (await Service.GetAsync(Ids.Acme, created.Id))!.Name);
    }

    [Fact]
    public async Task A_write_racing_between_read_and_save_is_caught_by_the_version_check()
    {
        var created = (await Service.CreateAsync(Ids.Acme, Drafts.User())).Saved();
        await using (var db = await Db.Contexts.CreateDbContextAsync())
        {
            // Another process bumps the row behind the service's back.
            await db.Webhooks.Where(w => w.Id == created.Id).ExecuteUpdateAsync(s => s.SetProperty(w => w.Version, 5).SetProperty(w => w.Name, "Elsewhere"));
        }

        var outcome = await Service.UpdateAsync(Ids.Acme, created.Id, new WebhookChanges(Name: "Mine", ExpectedVersion: 0));

        Assert.Equal(5, Assert.IsType<WebhookOutcome.Conflict>(outcome).Current.Version);
        Assert.Equal("Elsewhere", (await Service.GetAsync(Ids.Acme, created.Id))!.Name);
    }

    [Fact]
    public async Task Every_save_bumps_the_version()
    {
        var created = (await Service.CreateAsync(Ids.Acme, Drafts.User())).Saved();

        await Service.SetActiveAsync(Ids.Acme, created.Id, false);
        var reactivated = (await Service.SetActiveAsync(Ids.Acme, created.Id, true, expectedVersion: 1)).Saved();

        Assert.Equal((true, 2), (reactivated.IsActive, reactivated.Version));
    }

    [Fact]
    public async Task Another_companys_webhook_cannot_be_read_or_changed()
    {
        var acme = (await Service.CreateAsync(Ids.Acme, Drafts.User())).Saved();

        Assert.Null(await Service.GetAsync(Ids.Globex, acme.Id));
        Assert.IsType<WebhookOutcome.NotFound>(await Service.UpdateAsync(Ids.Globex, acme.Id, new WebhookChanges(Name: "Hijacked")));
        Assert.Equal(0, await Service.DeactivateManyAsync(Ids.Globex, [acme.Id]));
        Assert.Empty(await Service.ListAsync(Ids.Globex));
        Assert.True((await Service.GetAsync(Ids.Acme, acme.Id))!.IsActive);
    }

    [Fact]
    public async Task Deactivating_many_touches_only_the_chosen_active_webhooks_of_the_company()
    {
        var a = (await Service.CreateAsync(Ids.Acme, Drafts.User(name: "A"))).Saved();
        var b = (await Service.CreateAsync(Ids.Acme, Drafts.User(name: "B"))).Saved();
        var keep = (await Service.CreateAsync(Ids.Acme, Drafts.User(name: "Keep"))).Saved();
        var globex = (await Service.CreateAsync(Ids.Globex, Drafts.User(name: "Globex"))).Saved();

        var changed = await Service.DeactivateManyAsync(Ids.Acme, [a.Id, b.Id, globex.Id, "garbage", a.Id]);

        Assert.Equal(2, changed);
        var acme = await Service.ListAsync(Ids.Acme);
        Assert.Equal([("A", false, 1), ("B", false, 1), ("Keep", true, 0)], acme.Select(w => (w.Name, w.IsActive, w.Version)));
        Assert.True((await Service.GetAsync(Ids.Globex, globex.Id))!.IsActive);
        Assert.Equal(0, await Service.DeactivateManyAsync(Ids.Acme, [a.Id]));
        Assert.Equal(keep.Id, Assert.Single(await Service.ListAsync(Ids.Acme, includeInactive: false)).Id);
    }

    [Fact]
    public async Task Code_taken_check_ignores_the_webhook_being_edited()
    {
        var created = (await Service.CreateAsync(Ids.Acme, Drafts.User(code: "crm_sync"))).Saved();

        Assert.True(await Service.IsCodeTakenAsync(Ids.Acme, "crm_sync"));
        Assert.False(await Service.IsCodeTakenAsync(Ids.Acme, "crm_sync", exceptWebhookId: created.Id));
        Assert.False(await Service.IsCodeTakenAsync(Ids.Globex, "crm_sync"));
    }
}
