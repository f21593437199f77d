using AngleSharp.Dom;
using Microsoft.AspNetCore.Components;
using MudBlazor;
using WebhookAdmin.Components.Tests.Support;
using WebhookAdmin.Core.Webhooks;
using WebhookAdmin.Features.Webhooks.Settings;

namespace WebhookAdmin.Components.Tests.Webhooks;

public sealed class WebhookSettingsPageTests : SettingsPageTest
{
    private const string Workflow = "6261612a8f1e99002e5c8cce";
    private const string Survey = "6261612a8f1e99e93f5c8d03";
    private const string Group = "6261612a8f1e994b765c8cc8";

    [Fact]
    public void Code_follows_the_name_until_the_admin_types_one()
    {
        var page = RenderNew();

        Field(page, "name").Input("Work Orders Update");
        page.WaitForAssertion(() => Assert.Equal("work_orders_update", Field(page, "code").GetAttribute("value")));

        Field(page, "code").Input("wo_updates");
        page.WaitForAssertion(() => Assert.Equal("wo_updates", Field(page, "code").GetAttribute("value")));
        Field(page, "name").Input("Work Orders Update (EU)");
        page.WaitForAssertion(() => Assert.Equal("Work Orders Update (EU)", Field(page, "name").GetAttribute("value")));
        Assert.Equal("wo_updates", Field(page, "code").GetAttribute("value"));
    }

    [Fact]
    public async Task Code_taken_by_another_webhook_is_flagged_while_typing()
    {
        await Webhooks.CreateAsync(Acme, new WebhookDraft("CRM", "https://crm.example", WebhookTrigger.User, Code: "crm_sync"));
        var page = RenderNew();
        Field(page, "name").Input("Another CRM");

        Field(page, "code").Input("crm_sync");

        page.WaitForAssertion(() => Assert.Contains("Code 'crm_sync' is already used by another webhook of this company.", page.Markup));
    }

    [Fact]
    public async Task Code_is_frozen_after_first_save_with_a_hint_why()
    {
        var id = await CreateTaskWebhookAsync();

        var page = RenderExisting(id);

        page.WaitForAssertion(() => Assert.True(Field(page, "code").HasAttribute("readonly")));
        Assert.Equal("work_orders_update", Field(page, "code").GetAttribute("value"));
        Assert.Contains("Once saved, the code cannot be changed", page.Markup);
        Assert.Equal(id, Field(page, "identifier").GetAttribute("value"));
    }

    [Fact]
    public void Workflow_appears_for_task_triggers_and_survey_and_group_for_survey_triggers()
    {
        var page = RenderNew();
        Assert.Empty(page.FindAll("[data-testid=field-workflow]"));

        ChooseTrigger(page, "Create/Edit/Remove Task");
        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=field-workflow]")));
        Assert.Empty(page.FindAll("[data-testid=field-survey]"));

        ChooseTrigger(page, "Create/Edit/Remove Survey");
        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=field-survey]")));
        Assert.Single(page.FindAll("[data-testid=field-group]"));
        Assert.Empty(page.FindAll("[data-testid=field-workflow]"));

        ChooseTrigger(page, "User Logout");
        page.WaitForAssertion(() => Assert.Empty(page.FindAll("[data-testid=field-survey], [data-testid=field-group], [data-testid=field-workflow]")));
    }

    [Fact]
    public void Switching_trigger_clears_the_workflow_that_no_longer_applies()
    {
        var page = RenderNew();
        ChooseTrigger(page, "Create/Edit/Remove Task");
        page.WaitForAssertion(() => Field(page, "workflow").Input(Workflow));
        page.WaitForAssertion(() => Assert.Equal(Workflow, Field(page, "workflow").GetAttribute("value")));

        ChooseTrigger(page, "Create/Edit/Remove User");
        ChooseTrigger(page, "Create/Edit/Remove Task");

        page.WaitForAssertion(() => Assert.True(string.IsNullOrEmpty(Field(page, "workflow").GetAttribute("value"))));
    }

    [Fact]
    public void Saving_an_empty_form_shows_each_fields_reason_and_stores_nothing()
    {
        var page = RenderNew();

        page.Find("[data-testid=save]").Click();

        page.WaitForAssertion(() =>
        {
            Assert.Contains("Name is required.", page.Markup);
            Assert.Contains("Url is required.", page.Markup);
            Assert.Contains("Trigger is required.", page.Markup);
        });
        Assert.Contains(Get<ISnackbar>().ShownSnackbars, s => s.Message == "Not saved: correct the highlighted fields.");
    }

    [Theory]
    [InlineData("en-US", "Name must be one line of text, without tabs, line breaks or other control characters.",
        "Description may contain line breaks and tabs, but no other control characters (such as NUL).")]
    [InlineData("es-CL", "El nombre debe ser una sola línea de texto, sin tabulaciones, saltos de línea ni otros caracteres de control.",
        "La descripción puede contener saltos de línea y tabulaciones, pero ningún otro carácter de control (como NUL).")]
    public async Task A_nul_in_the_name_or_description_is_reported_inline_in_the_admins_language_and_nothing_is_saved(
        string culture, string nameError, string descriptionError)
    {
        Culture = culture;
        var page = RenderNew();

        Field(page, "name").Input("Pasted\0name");
        Field(page, "description").Input("Several lines\nare fine,\tbut not a NUL\0");

        page.WaitForAssertion(() =>
        {
            Assert.Contains(nameError, page.Markup);
            Assert.Contains(descriptionError, page.Markup);
        });
        page.Find("[data-testid=save]").Click();
        // What was typed stays (the HTML parser shows the NUL as U+FFFD).
        page.WaitForAssertion(() => Assert.Equal("Pasted\uFFFDname", Field(page, "name").GetAttribute("value")));
        Assert.Empty(await Webhooks.ListAsync(Acme));
    }

    [Fact]
    public void A_description_over_several_lines_is_not_an_error()
    {
        var page = RenderNew();

        Field(page, "description").Input("First line\r\n\tindented second line");
        page.Find("[data-testid=save]").Click();

        page.WaitForAssertion(() => Assert.Contains("Name is required.", page.Markup));
        Assert.DoesNotContain("control character", page.Markup);
    }

    [Fact]
    public void Invalid_url_and_missing_workflow_are_reported_inline_and_what_was_typed_stays()
    {
        var page = RenderNew();
        Field(page, "name").Input("Tasks");
        Field(page, "url").Input("ftp://files.example");
        ChooseTrigger(page, "Create/Edit/Remove Task");

        page.Find("[data-testid=save]").Click();

        page.WaitForAssertion(() =>
        {
            Assert.Contains("Url must be an absolute http:// or https:// address.", page.Markup);
            Assert.Contains("A workflow is required for this trigger.", page.Markup);
        });
        Assert.Equal("ftp://files.example", Field(page, "url").GetAttribute("value"));
        Assert.Equal("Tasks", Field(page, "name").GetAttribute("value"));
    }

    [Fact]
    public async Task Creating_a_survey_webhook_stores_it_and_moves_to_its_own_address()
    {
        var page = RenderNew();
        Field(page, "name").Input("Inspections");
        Field(page, "url").Input("https://www.test.com");
        ChooseTrigger(page, "Create/Edit/Remove Survey");
        page.WaitForAssertion(() => Field(page, "survey").Input(Survey));
        page.WaitForAssertion(() => Field(page, "group").Input(Group.ToUpperInvariant()));

        page.Find("[data-testid=save]").Click();

        page.WaitForAssertion(() => Assert.Matches("/admin/webhooks/[0-9a-f]{24}$", Navigation.Uri));
        var id = Navigation.Uri[^24..];
        var stored = (await Webhooks.GetAsync(Acme, id))!;
        Assert.Equal(("inspections", new WebhookContext(Survey, Group, "")), (stored.Code, stored.Context));
        Assert.Contains(Get<ISnackbar>().ShownSnackbars, s => s.Message == "Webhook \"Inspections\" created.");
    }

    [Fact]
    public async Task A_save_over_another_admins_newer_version_is_reported_and_mine_is_kept()
    {
        var id = await CreateTaskWebhookAsync();
        var page = RenderLoaded(id);
        await Webhooks.UpdateAsync(Acme, id, new WebhookChanges(Name: "Renamed by a colleague"));

        Field(page, "name").Input("My rename");
        page.Find("[data-testid=save]").Click();

        page.WaitForAssertion(() => Assert.Contains("Another admin saved this webhook", page.Find("[data-testid=conflict]").TextContent));
        Assert.Equal("My rename", Field(page, "name").GetAttribute("value"));
        Assert.Equal("Renamed by a colleague", (await Webhooks.GetAsync(Acme, id))!.Name);
        Assert.True(page.Find("[data-testid=save]").HasAttribute("disabled"));

        page.FindAll("[data-testid=conflict] button").Single(b => b.TextContent.Contains("Discard mine")).Click();
        page.WaitForAssertion(() => Assert.Equal("Renamed by a colleague", Field(page, "name").GetAttribute("value")));
        Assert.Empty(page.FindAll("[data-testid=conflict]"));
    }

    [Fact]
    public async Task The_switch_deactivates_and_activates_at_once_with_feedback()
    {
        var id = await CreateTaskWebhookAsync();
        var page = RenderExisting(id);
        page.WaitForAssertion(() => Assert.Equal("true", page.Find("[data-testid=active-switch]").GetAttribute("aria-checked")));

        page.Find("[data-testid=active-switch]").Change(false);

        page.WaitForAssertion(() => Assert.Contains(Get<ISnackbar>().ShownSnackbars, s => s.Message?.StartsWith("Webhook deactivated") == true));
        Assert.False((await Webhooks.GetAsync(Acme, id))!.IsActive);
        Assert.Contains("Disabled", page.Find(".settings-actions").TextContent);

        page.Find("[data-testid=active-switch]").Change(true);
        page.WaitForAssertion(() => Assert.Contains(Get<ISnackbar>().ShownSnackbars, s => s.Message?.StartsWith("Webhook activated") == true));
        Assert.True((await Webhooks.GetAsync(Acme, id))!.IsActive);
    }

    [Fact]
    public async Task A_webhook_held_for_its_probe_says_when_the_probe_goes_out_and_what_follows()
    {
        var id = await CreateTaskWebhookAsync();
        var probeAt = new DateTime(2026, 12, 7, 21, 5, 0, DateTimeKind.Utc);
        await Deliveries.HoldForProbeAsync(Context.Services, id, probeAt);
        var page = RenderExisting(id);

        page.WaitForAssertion(() => Assert.Contains("30 in a row", page.Find("[data-testid=probing]").TextContent));
        Assert.Contains($"one probe delivery goes out at {probeAt.ToString("G", System.Globalization.CultureInfo.GetCultureInfo("en"))}", page.Find("[data-testid=probing]").TextContent);
        Assert.Contains("resumes by itself", page.Find("[data-testid=probing]").TextContent);
        Assert.Empty(page.FindAll("[data-testid=auto-disabled]"));
        Assert.Equal("true", page.Find("[data-testid=active-switch]").GetAttribute("aria-checked"));
    }

    [Fact]
    public async Task A_webhook_whose_probe_failed_says_it_is_about_to_be_deactivated()
    {
        var id = await CreateTaskWebhookAsync();
        await Deliveries.HoldForProbeAsync(Context.Services, id, DateTime.UtcNow.AddMinutes(-1), probeFailed: true);
        var page = RenderExisting(id);

        page.WaitForAssertion(() => Assert.Contains("failed too: the webhook is about to be deactivated", page.Find("[data-testid=probing]").TextContent));
        Assert.DoesNotContain("resumes by itself", page.Find("[data-testid=probing]").TextContent);
    }

    [Fact]
    public async Task An_automatically_deactivated_webhook_says_why_and_activating_it_clears_the_notice()
    {
        var id = await CreateTaskWebhookAsync();
        await Deliveries.DeactivateAutomaticallyAsync(Context.Services, id);
        var page = RenderExisting(id);

        page.WaitForAssertion(() => Assert.Contains("Deactivated automatically on", page.Find("[data-testid=auto-disabled]").TextContent));
        Assert.Contains("Every delivery since", page.Find("[data-testid=auto-disabled]").TextContent);
        Assert.Contains("they go out in order", page.Find("[data-testid=auto-disabled]").TextContent);
        Assert.Equal("false", page.Find("[data-testid=active-switch]").GetAttribute("aria-checked"));

        page.Find("[data-testid=active-switch]").Change(true);

        page.WaitForAssertion(() => Assert.Empty(page.FindAll("[data-testid=auto-disabled]")));
        var activated = (await Webhooks.GetAsync(Acme, id))!;
        Assert.Equal((true, null, 0), (activated.IsActive, activated.DisabledReason, activated.ConsecutiveFailures));
    }

    [Fact]
    public async Task A_webhook_an_admin_deactivated_shows_no_automatic_notice()
    {
        var id = await CreateTaskWebhookAsync();
        await Webhooks.SetActiveAsync(Acme, id, false);

        var page = RenderLoaded(id);

        Assert.Empty(page.FindAll("[data-testid=auto-disabled]"));
    }

    [Fact]
    public async Task Leaving_with_unsaved_changes_asks_first_and_keep_editing_stays()
    {
        var id = await CreateTaskWebhookAsync();
        var page = RenderLoaded(id);
        Field(page, "name").Input("Unsaved rename");
        var here = Navigation.Uri;

        await page.InvokeAsync(() => Navigation.NavigateTo("/admin/webhooks"));

        Dialogs.WaitForAssertion(() => Assert.Contains("Discard unsaved changes?", Dialogs.Markup));
        Dialogs.FindAll("button").Single(b => b.TextContent.Contains("Keep editing")).Click();
        page.WaitForAssertion(() => Assert.Equal(here, Navigation.Uri));
        Assert.Equal("Unsaved rename", Field(page, "name").GetAttribute("value"));

        await page.InvokeAsync(() => Navigation.NavigateTo("/admin/webhooks"));
        Dialogs.WaitForAssertion(() => Dialogs.FindAll("button").Single(b => b.TextContent.Contains("Discard changes")).Click());
        page.WaitForAssertion(() => Assert.EndsWith("/admin/webhooks", Navigation.Uri));
    }

    [Fact]
    public async Task Leaving_without_changes_or_changing_tab_does_not_ask()
    {
        var id = await CreateTaskWebhookAsync();
        var page = RenderLoaded(id);
        Field(page, "description").Input("Unsaved description");

        await page.InvokeAsync(() => Navigation.NavigateTo(Navigation.GetUriWithQueryParameter("tab", "logs")));
        Assert.DoesNotContain("Discard unsaved changes?", Dialogs.Markup);
        Assert.EndsWith("?tab=logs", Navigation.Uri);
        await page.InvokeAsync(() => Navigation.NavigateTo(Navigation.GetUriWithQueryParameter("tab", (string?)null)));
        Field(page, "description").Input("Sends updates on Work Orders");
        await page.InvokeAsync(() => Navigation.NavigateTo("/admin/webhooks"));

        Assert.DoesNotContain("Discard unsaved changes?", Dialogs.Markup);
        Assert.EndsWith("/admin/webhooks", Navigation.Uri);
    }

    [Fact]
    public async Task Tab_logs_in_the_address_opens_the_logs_tab()
    {
        var id = await CreateTaskWebhookAsync();
        Navigation.NavigateTo($"/admin/webhooks/{id}?tab=logs");

        var page = Render<WebhookSettingsPage>(p => p.Add(x => x.Id, id));

        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=logs-tab]")));
        Assert.Equal("true", page.FindAll("[role=tab]").Single(t => t.TextContent == "Logs").GetAttribute("aria-selected"));
    }

    [Fact]
    public async Task The_page_and_its_logs_tab_ask_the_browser_for_its_time_zone_once()
    {
        var id = await CreateTaskWebhookAsync();
        var zone = Context.JSInterop.Setup<string?>("webhookAdmin.timeZone");
        Navigation.NavigateTo($"/admin/webhooks/{id}?tab=logs");

        var page = Render<WebhookSettingsPage>(p => p.Add(x => x.Id, id));
        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=logs-tab]")));
        zone.SetResult("Asia/Tokyo");

        Assert.Single(Context.JSInterop.Invocations, i => i.Identifier == "webhookAdmin.timeZone");
    }

    [Fact]
    public void The_logs_tab_of_a_new_webhook_opens_and_says_deliveries_appear_once_it_is_saved()
    {
        var page = RenderNew();

        page.FindAll("[role=tab]").Single(t => t.TextContent == "Logs").Click();

        page.WaitForAssertion(() => Assert.Contains("Save the webhook first", page.Find("[data-testid=logs-after-save]").TextContent));
        Assert.Empty(page.FindAll("[data-testid=logs-tab]"));
        Assert.Empty(page.FindAll("[data-testid=field-identifier]"));
    }

    [Fact]
    public async Task Another_companys_webhook_is_not_found()
    {
        var globex = ((WebhookOutcome.Saved)await Webhooks.CreateAsync(Globex, new WebhookDraft("Globex", "https://globex.example", WebhookTrigger.User))).Webhook;

        var page = RenderExisting(globex.Id);

        page.WaitForAssertion(() => Assert.Contains($"No webhook of your company has the identifier {globex.Id}", page.Find("[data-testid=not-found]").TextContent));
        Assert.DoesNotContain("globex.example", page.Markup);
        Assert.Equal("Webhook not found", page.Find("h1").TextContent.Trim());
        Assert.Empty(page.FindAll("[data-testid=save]"));
    }

    [Fact]
    public void A_malformed_id_is_not_found_rather_than_a_new_webhook()
    {
        var page = RenderExisting("not-an-object-id");

        page.WaitForAssertion(() => Assert.Equal("Webhook not found", page.Find("h1").TextContent.Trim()));
        Assert.Empty(page.FindAll("[data-testid=general-information]"));
    }

    [Fact]
    public void A_typed_url_keeps_its_error_after_more_keystrokes_a_blur_and_save()
    {
        // What Chromium does and a single Input() does not: several input events, then focus leaving for Save. MudBlazor's
        // own Required validation used to answer each of them with "no error" and hide the editor's message for good.
        var page = RenderNew();
        Field(page, "url").Input("f");
        Field(page, "url").Input("ftp://files.example");
        Field(page, "url").Blur();

        page.Find("[data-testid=save]").Click();

        page.WaitForAssertion(() => Assert.Equal("true", Field(page, "url").GetAttribute("aria-invalid")));
        var describedBy = Field(page, "url").GetAttribute("aria-describedby");
        Assert.Equal("Url must be an absolute http:// or https:// address.", page.Find($"#{describedBy}").TextContent.Trim());
    }

    [Fact]
    public void Leaving_an_untouched_field_shows_no_generic_required_message()
    {
        var page = RenderNew();

        foreach (var field in new[] { "name", "code", "url" })
            Field(page, field).Blur();

        Assert.Empty(page.FindAll("[aria-invalid=true]"));
        Assert.DoesNotContain(">Required<", page.Markup);
    }

    [Fact]
    public void A_long_name_is_kept_whole_and_counted_against_the_limit()
    {
        var page = RenderNew();
        var name = new string('n', 500);

        Field(page, "name").Input(name);

        page.WaitForAssertion(() => Assert.Contains("Name must be at most 200 characters.", page.Markup));
        Assert.Equal(name, Field(page, "name").GetAttribute("value"));
        Assert.False(Field(page, "name").HasAttribute("maxlength") && Field(page, "name").GetAttribute("maxlength") == "200");
        Assert.Contains("500 / 200", page.Markup);
    }

    [Fact]
    public async Task A_successful_save_takes_the_earlier_refusal_off_the_screen()
    {
        var page = RenderNew();
        page.Find("[data-testid=save]").Click();
        page.WaitForAssertion(() => Assert.Contains(Get<ISnackbar>().ShownSnackbars, s => s.Message == "Not saved: correct the highlighted fields."));

        Field(page, "name").Input("Recovered");
        Field(page, "url").Input("https://recovered.example");
        ChooseTrigger(page, "User Logout");
        page.Find("[data-testid=save]").Click();

        page.WaitForAssertion(() => Assert.Contains(Get<ISnackbar>().ShownSnackbars, s => s.Message == "Webhook \"Recovered\" created."));
        Assert.DoesNotContain(Get<ISnackbar>().ShownSnackbars, s => s.Message == "Not saved: correct the highlighted fields.");
        await Task.CompletedTask;
    }

    [Fact]
    public async Task The_workflow_picker_offers_workflows_the_company_already_uses()
    {
        await CreateTaskWebhookAsync();
        var page = RenderNew();
        ChooseTrigger(page, "Create/Edit/Remove Task");

        page.WaitForAssertion(() => Field(page, "workflow").Input("6261"));

        Popovers.WaitForAssertion(() => Assert.Contains(Workflow, Popovers.Markup));
    }

    [Fact]
    public async Task An_admin_sets_a_rate_limit_and_clears_it_again()
    {
        var id = await CreateTaskWebhookAsync();
        var page = RenderLoaded(id);
        Assert.Equal("", Field(page, "rate-limit").GetAttribute("value"));

        Field(page, "rate-limit").Input("20");
        page.Find("[data-testid=save]").Click();
        await WaitForStoredRateLimitAsync(id, 20);
        page.WaitForAssertion(() => Assert.Equal("20", Field(page, "rate-limit").GetAttribute("value")));

        Field(page, "rate-limit").Input("");
        page.Find("[data-testid=save]").Click();
        await WaitForStoredRateLimitAsync(id, null);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("10001")]
    [InlineData("fast")]
    public async Task A_bad_rate_limit_is_reported_inline_and_nothing_is_saved(string typed)
    {
        var id = await CreateTaskWebhookAsync();
        var page = RenderLoaded(id);

        Field(page, "rate-limit").Input(typed);

        page.WaitForAssertion(() => Assert.Contains(
            "The rate limit must be a whole number of deliveries per second from 1 to 10,000, or empty for no limit.", page.Markup));
        page.Find("[data-testid=save]").Click();
        Assert.Equal(typed, Field(page, "rate-limit").GetAttribute("value"));
        var stored = (await Webhooks.GetAsync(Acme, id))!;
        Assert.Equal((null, 0), (stored.RateLimit, stored.Version));
    }

    [Fact]
    public async Task A_new_webhook_is_created_with_the_rate_limit_typed()
    {
        var page = RenderNew();
        Field(page, "name").Input("Fragile receiver");
        Field(page, "url").Input("https://fragile.example");
        ChooseTrigger(page, "User Logout");
        Field(page, "rate-limit").Input("5");

        page.Find("[data-testid=save]").Click();

        page.WaitForAssertion(() => Assert.Matches("/admin/webhooks/[0-9a-f]{24}$", Navigation.Uri));
        Assert.Equal(5, (await Webhooks.GetAsync(Acme, Navigation.Uri[^24..]))!.RateLimit);
    }

    private async Task WaitForStoredRateLimitAsync(string id, int? expected)
    {
        for (var i = 0; i < 200 && (await Webhooks.GetAsync(Acme, id))!.RateLimit != expected; i++)
            await Task.Delay(25);
        Assert.Equal(expected, (await Webhooks.GetAsync(Acme, id))!.RateLimit);
    }

    private async Task<string> CreateTaskWebhookAsync() =>
        ((WebhookOutcome.Saved)await Webhooks.CreateAsync(Acme, new WebhookDraft("Work Orders Update", "https://www.server.com", WebhookTrigger.Task,
            new WebhookContext("", "", Workflow), Description: "Sends updates on Work Orders"))).Webhook.Id;
}
