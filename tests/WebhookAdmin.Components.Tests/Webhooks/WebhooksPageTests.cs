using AngleSharp.Dom;
using MudBlazor;
using WebhookAdmin.Components.Tests.Support;
using WebhookAdmin.Core.Webhooks;
using WebhookAdmin.Features.Webhooks;

namespace WebhookAdmin.Components.Tests.Webhooks;

public sealed class WebhooksPageTests : ComponentTest
{
    private WebhookService Webhooks => Get<WebhookService>();

    [Fact]
    public async Task Rows_show_a_checkbox_name_trigger_label_url_and_an_edit_pen()
    {
        var id = await CreateAsync("Work Orders Update", WebhookTrigger.Task, "https://www.server.com", new WebhookContext("", "", "6261612a8f1e99002e5c8cce"));

        var page = Render<WebhooksPage>();

        page.WaitForAssertion(() => Assert.Single(Rows(page)));
        Assert.Equal(["Select every webhook on this page", "Name", "Trigger", "Url", "Edit"], page.FindAll("thead th").Select(th => th.TextContent.Trim()));
        Assert.Equal("Select every webhook on this page", LabelOf(page, page.Find("thead input[type=checkbox]")));
        var cells = Rows(page)[0].QuerySelectorAll("td");
        Assert.Equal("Select Work Orders Update", LabelOf(page, cells[0].QuerySelector("input[type=checkbox]")!));
        Assert.Equal(["Work Orders Update", "Create/Edit/Remove Task", "https://www.server.com"], cells.Skip(1).Take(3).Select(c => c.TextContent.Trim()));
        var pen = cells[4].QuerySelector("a")!;
        Assert.Equal($"/admin/webhooks/{id}", pen.GetAttribute("href"));
        Assert.Equal("Edit Work Orders Update", pen.GetAttribute("aria-label"));
        Assert.Equal("/admin/webhooks/new", page.Find("[data-testid=create-webhook]").GetAttribute("href"));
    }

    [Fact]
    public async Task Disabled_webhooks_appear_marked_only_after_show_disabled()
    {
        await CreateAsync("Active hook");
        var disabled = await CreateAsync("Sessions", WebhookTrigger.LogoutUser);
        await Webhooks.SetActiveAsync(Acme, disabled, false);
        var page = Render<WebhooksPage>();
        page.WaitForAssertion(() => Assert.Equal(["Active hook"], Names(page)));

        ChooseMoreOption(page, "Show disabled");

        page.WaitForAssertion(() => Assert.Equal(["Active hook", "Sessions"], Names(page)));
        Assert.Contains("Disabled", Rows(page)[1].TextContent);
        Assert.Contains("webhook-disabled", Rows(page)[1].ClassList);
        Assert.DoesNotContain("Disabled", Rows(page)[0].TextContent);

        ChooseMoreOption(page, "Hide disabled");
        page.WaitForAssertion(() => Assert.Equal(["Active hook"], Names(page)));
    }

    [Fact]
    public async Task An_automatically_deactivated_webhook_says_why_in_its_row()
    {
        var manual = await CreateAsync("Admin switched off");
        var automatic = await CreateAsync("Receiver gone");
        await Webhooks.SetActiveAsync(Acme, manual, false);
        await Deliveries.DeactivateAutomaticallyAsync(Context.Services, automatic);
        var page = Render<WebhooksPage>();
        page.WaitForAssertion(() => Assert.Empty(Rows(page)));

        ChooseMoreOption(page, "Show disabled");

        page.WaitForAssertion(() => Assert.Equal(["Admin switched off", "Receiver gone"], Names(page)));
        Assert.Empty(Rows(page)[0].QuerySelectorAll("[data-testid=auto-disabled]"));
        Assert.Matches(@"^Deactivated automatically: every delivery since .+ failed \(30 in a row\)\.$",
            Rows(page)[1].QuerySelector("[data-testid=auto-disabled]")!.TextContent.Trim());
    }

    [Fact]
    public async Task Checked_rows_are_deactivated_together_after_confirmation()
    {
        var first = await CreateAsync("First");
        var second = await CreateAsync("Second");
        var kept = await CreateAsync("Third");
        var page = Render<WebhooksPage>();
        page.WaitForAssertion(() => Assert.Equal(3, Rows(page).Count));

        Check(page, "First");
        Check(page, "Second");
        page.WaitForAssertion(() => Assert.Contains("2 webhooks selected", page.Find("[data-testid=selection-bar]").TextContent));
        ClickDeactivate(page);

        Dialogs.WaitForAssertion(() => Assert.Contains("Deactivate 2 webhooks?", Dialogs.Markup));
        Assert.Equal(["First", "Second"], Dialogs.FindAll("[data-testid=confirm-items] li").Select(li => li.TextContent));
        Dialogs.FindAll(".mud-dialog button").Single(b => b.TextContent.Trim() == "Deactivate").Click();

        page.WaitForAssertion(() => Assert.Equal(["Third"], Names(page)));
        Assert.False((await Webhooks.GetAsync(Acme, first))!.IsActive);
        Assert.False((await Webhooks.GetAsync(Acme, second))!.IsActive);
        Assert.True((await Webhooks.GetAsync(Acme, kept))!.IsActive);
        Assert.Contains(Get<ISnackbar>().ShownSnackbars, s => s.Message == "2 webhooks deactivated.");
        Assert.Empty(page.FindAll("[data-testid=selection-bar]"));
    }

    [Fact]
    public async Task Cancelling_the_confirmation_deactivates_nothing()
    {
        var id = await CreateAsync("Keep me");
        var page = Render<WebhooksPage>();
        page.WaitForAssertion(() => Assert.Single(Rows(page)));
        Check(page, "Keep me");
        ClickDeactivate(page);

        Dialogs.WaitForAssertion(() => Dialogs.FindAll(".mud-dialog button").Single(b => b.TextContent.Trim() == "Cancel").Click());

        Dialogs.WaitForAssertion(() => Assert.Empty(Dialogs.FindAll(".mud-dialog")));
        Assert.True((await Webhooks.GetAsync(Acme, id))!.IsActive);
        Assert.Equal(["Keep me"], Names(page));
    }

    [Fact]
    public async Task Search_narrows_by_name_code_or_url()
    {
        await CreateAsync("CRM sync", url: "https://crm.example/hook");
        await CreateAsync("Billing", url: "https://billing.example/in");
        var page = Render<WebhooksPage>();
        page.WaitForAssertion(() => Assert.Equal(2, Rows(page).Count));

        // Found and typed into in one go on the renderer: the list re-renders as the search applies, and a search box
        // found before such a render has lost its handler by the time it is typed into.
        await page.InvokeAsync(() => page.Find("[data-testid=webhooks-search]").Input("billing.example"));

        page.WaitForAssertion(() => Assert.Equal(["Billing"], Names(page)));

        await page.InvokeAsync(() => page.Find("[data-testid=webhooks-search]").Input("nothing-like-this"));
        page.WaitForAssertion(() => Assert.Contains("No webhook's name, code or url contains \"nothing-like-this\".", page.Markup));
    }

    [Fact]
    public async Task Sorting_by_url_reorders_the_rows()
    {
        await CreateAsync("A", url: "https://z.example");
        await CreateAsync("B", url: "https://a.example");
        var page = Render<WebhooksPage>();
        page.WaitForAssertion(() => Assert.Equal(["A", "B"], Names(page)));

        page.FindAll("thead .mud-table-sort-label").Single(l => l.TextContent.Trim() == "Url").Click();

        page.WaitForAssertion(() => Assert.Equal(["B", "A"], Names(page)));
    }

    [Fact]
    public async Task The_sorted_column_tells_assistive_technology_its_order()
    {
        await CreateAsync("A", url: "https://z.example");
        var page = Render<WebhooksPage>();
        page.WaitForAssertion(() => Assert.Equal("ascending", Header(page, "Name").GetAttribute("aria-sort")));
        Assert.Equal("none", Header(page, "Url").GetAttribute("aria-sort"));

        Header(page, "Url").QuerySelector(".mud-table-sort-label")!.Click();

        page.WaitForAssertion(() => Assert.Equal("ascending", Header(page, "Url").GetAttribute("aria-sort")));
        Assert.Equal("none", Header(page, "Name").GetAttribute("aria-sort"));
        var label = Header(page, "Url").QuerySelector(".mud-table-sort-label")!;
        Assert.Equal(("0", "button"), (label.GetAttribute("tabindex"), label.GetAttribute("role")));
        Assert.True(label.HasAttribute("data-keyboard-click"));
    }

    [Fact]
    public async Task The_header_box_checks_the_whole_page_and_unchecks_it_again()
    {
        await CreateAsync("One");
        await CreateAsync("Two");
        var page = Render<WebhooksPage>();
        page.WaitForAssertion(() => Assert.Equal(2, Rows(page).Count));

        page.Find("thead input[type=checkbox]").Change(true);
        page.WaitForAssertion(() => Assert.Contains("2 webhooks selected", page.Find("[data-testid=selection-bar]").TextContent));

        page.Find("thead input[type=checkbox]").Change(false);
        page.WaitForAssertion(() => Assert.Empty(page.FindAll("[data-testid=selection-bar]")));
    }

    [Fact]
    public async Task The_confirmation_lists_ten_names_and_counts_the_rest()
    {
        for (var i = 0; i < 12; i++)
            await CreateAsync($"Hook {i:00}");
        var page = Render<WebhooksPage>();
        page.WaitForAssertion(() => Assert.Equal(12, Rows(page).Count));
        page.Find("thead input[type=checkbox]").Change(true);
        ClickDeactivate(page);

        Dialogs.WaitForAssertion(() => Assert.Equal(10, Dialogs.FindAll("[data-testid=confirm-items] li").Count));
        Assert.Contains("and 2 more", Dialogs.Markup);
    }

    [Fact]
    public async Task A_long_url_may_break_only_after_slashes_and_before_dots_or_query_signs()
    {
        await CreateAsync("Long", url: "https://receiver.example.com/api/hook?source=acme");

        var page = Render<WebhooksPage>();

        page.WaitForAssertion(() => Assert.Single(Rows(page)));
        var url = Rows(page)[0].QuerySelector(".breakable-url")!;
        Assert.Equal("https://receiver.example.com/api/hook?source=acme", url.TextContent);
        Assert.Equal("https://|receiver|.example|.com/|api/|hook|?source|=acme|", url.InnerHtml.Replace("<wbr>", "|"));
    }

    [Fact]
    public async Task Pages_through_many_webhooks_from_the_server()
    {
        for (var i = 0; i < 30; i++)
            await CreateAsync($"Hook {i:00}");

        var page = Render<WebhooksPage>();

        page.WaitForAssertion(() => Assert.Equal(25, Rows(page).Count));
        Assert.Contains("1-25 of 30", page.Find(".mud-table-page-number-information").TextContent);
        page.Find("button[aria-label='Next page']").Click();
        page.WaitForAssertion(() => Assert.Equal(["Hook 25", "Hook 26", "Hook 27", "Hook 28", "Hook 29"], Names(page)));
    }

    [Fact]
    public async Task Searching_from_a_later_page_starts_again_at_the_first()
    {
        for (var i = 0; i < 30; i++)
        {
            await CreateAsync($"Alpha {i:00}");
            await CreateAsync($"Beta {i:00}");
        }
        var page = Render<WebhooksPage>();
        page.WaitForAssertion(() => Assert.Equal(25, Rows(page).Count));
        page.Find("button[aria-label='Next page']").Click();
        page.WaitForAssertion(() => Assert.Equal("Alpha 25", Names(page)[0]));

        page.Find("[data-testid=webhooks-search]").Input("Alpha");

        page.WaitForAssertion(() => Assert.Equal(Enumerable.Range(0, 25).Select(i => $"Alpha {i:00}"), Names(page)));
        Assert.Contains("1-25 of 30", page.Find(".mud-table-page-number-information").TextContent);
    }

    [Fact]
    public void An_empty_company_is_invited_to_create_its_first_webhook()
    {
        var page = Render<WebhooksPage>();

        page.WaitForAssertion(() => Assert.Contains("No webhooks yet", page.Find("[data-testid=empty-state]").TextContent));
        Assert.Equal("/admin/webhooks/new", page.Find("[data-testid=empty-state] a").GetAttribute("href"));
    }

    [Fact]
    public async Task A_company_whose_webhooks_are_all_disabled_is_told_where_they_are()
    {
        await Webhooks.SetActiveAsync(Acme, await CreateAsync("Old"), false);

        var page = Render<WebhooksPage>();

        page.WaitForAssertion(() => Assert.Contains("Show disabled", page.Find("[data-testid=webhooks-table] tbody").TextContent));
        Assert.Empty(page.FindAll("[data-testid=empty-state]"));
    }

    [Fact]
    public async Task Shows_nothing_of_another_company()
    {
        await Webhooks.CreateAsync(Globex, new WebhookDraft("Globex only", "https://globex.example/hook", WebhookTrigger.User));

        var page = Render<WebhooksPage>();

        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=empty-state]")));
        Assert.DoesNotContain("Globex only", page.Markup);
    }

    private async Task<string> CreateAsync(string name, string trigger = WebhookTrigger.User, string url = "https://receiver.example/hook", WebhookContext? context = null) =>
        ((WebhookOutcome.Saved)await Webhooks.CreateAsync(Acme, new WebhookDraft(name, url, trigger, context))).Webhook.Id;

    /// <summary>The accessible name MudBlazor gives a checkbox: the text of the element its aria-labelledby points at.</summary>
    private static string LabelOf(IRenderedComponent<WebhooksPage> page, IElement input) =>
        page.Find($"#{input.GetAttribute("aria-labelledby")}").TextContent.Trim();

    private static IElement Header(IRenderedComponent<WebhooksPage> page, string name) =>
        page.FindAll("thead th").Single(th => th.TextContent.Trim() == name);

    private static IReadOnlyList<IElement> Rows(IRenderedComponent<WebhooksPage> page) =>
        page.FindAll("[data-testid=webhooks-table] tbody tr").Where(r => r.QuerySelector(".webhook-name") is not null).ToList();

    private static IReadOnlyList<string> Names(IRenderedComponent<WebhooksPage> page) =>
        Rows(page).Select(r => r.QuerySelector(".webhook-name")!.TextContent.Trim()).ToList();

    private static void Check(IRenderedComponent<WebhooksPage> page, string name) =>
        Rows(page).Single(r => r.QuerySelector(".webhook-name")!.TextContent.Trim() == name).QuerySelector("input[type=checkbox]")!.Change(true);

    /// <summary>The selection bar appears once the table has reported the checked rows.</summary>
    private static void ClickDeactivate(IRenderedComponent<WebhooksPage> page) =>
        page.WaitForAssertion(() => page.FindAll("[data-testid=selection-bar] button").Single(b => b.TextContent.Trim() == "Deactivate").Click());

    private void ChooseMoreOption(IRenderedComponent<WebhooksPage> page, string item)
    {
        page.Find("[data-testid=more-options] button[aria-label='More options']").Click();
        Popovers.WaitForAssertion(() => Popovers.FindAll(".mud-menu-item").Single(i => i.TextContent.Trim() == item).Click());
    }
}
