using System.Globalization;
using Microsoft.AspNetCore.Components;
using WebhookAdmin.Components.Tests.Support;
using WebhookAdmin.Core.Logs;
using WebhookAdmin.Core.Webhooks;
using WebhookAdmin.Features.Logs;

namespace WebhookAdmin.Components.Tests.Logs;

public sealed class LogsTabTests : ComponentTest
{
    private Webhook _webhook = null!;
    private Deliveries Deliveries => new(Context.Services);

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var outcome = await Get<WebhookService>().CreateAsync(Acme, new WebhookDraft("Users", "https://receiver.example/hook", WebhookTrigger.User));
        _webhook = ((WebhookOutcome.Saved)outcome).Webhook;
    }

    [Fact]
    public async Task Rows_come_newest_first_with_result_chips_status_retry_and_event()
    {
        await Deliveries.PublishUserEditAsync(Acme, new { name = "first" });
        await Deliveries.AttemptAsync(_webhook.Id, 200, "{\"ok\":true}");
        await Deliveries.PublishUserEditAsync(Acme, new { name = "second" });
        await Deliveries.AttemptAsync(_webhook.Id, 500, "boom");

        var tab = RenderTab();

        tab.WaitForAssertion(() =>
        {
            var rows = tab.FindAll("[data-testid=logs-table] tbody tr");
            Assert.Equal(2, rows.Count);
            Assert.Equal("RETRYING", rows[0].QuerySelector(".log-result")!.TextContent.Trim());
            Assert.Contains("500", rows[0].TextContent);
            Assert.Contains("COTUser · edit", rows[0].TextContent);
            Assert.Equal("SUCCESS", rows[1].QuerySelector(".log-result")!.TextContent.Trim());
            Assert.Contains("200", rows[1].TextContent);
        });
    }

    [Fact]
    public async Task Each_row_and_the_open_log_show_the_delivery_s_webhook_sequence()
    {
        await Deliveries.PublishUserEditAsync(Acme, new { name = "first" });
        await Deliveries.AttemptAsync(_webhook.Id, 200, "ok");
        await Deliveries.PublishUserEditAsync(Acme, new { name = "second" });
        var tab = RenderTab();

        tab.WaitForAssertion(() => Assert.Equal(["2", "1"], tab.FindAll("td[data-column=sequence]").Select(c => c.TextContent.Trim())));
        Assert.Contains("webhook-sequence", tab.Find("th span[title]").GetAttribute("title"));
        tab.FindAll("button[aria-label^='Logs of delivery']")[1].Click();

        tab.WaitForAssertion(() => Assert.Equal("Delivery 1 of this webhook (webhook-sequence header), the same on every attempt.",
            tab.Find("[data-testid=log-sequence]").TextContent.Trim()));
    }

    [Fact]
    public async Task A_delivery_that_used_up_its_attempts_is_FAILED_and_one_not_yet_tried_is_PENDING()
    {
        await Deliveries.PublishUserEditAsync(Acme, new { name = "doomed" });
        for (var i = 0; i < 3; i++)
            await Deliveries.AttemptAsync(_webhook.Id, 0, "", transportError: "connect ECONNREFUSED 127.0.0.1:9");
        await Deliveries.PublishUserEditAsync(Acme, new { name = "waiting" });

        var tab = RenderTab();

        tab.WaitForAssertion(() => Assert.Equal(["PENDING", "FAILED"],
            tab.FindAll(".log-result").Select(c => c.TextContent.Trim())));
    }

    [Fact]
    public async Task Opening_a_log_shows_the_event_sent_the_response_and_each_attempt()
    {
        await Deliveries.PublishUserEditAsync(Acme, new { name = "Ada", avatar = "ada.png" });
        await Deliveries.AttemptAsync(_webhook.Id, 503, "<html>busy</html>");
        await Deliveries.AttemptAsync(_webhook.Id, 201, "{\"received\":true}");
        var tab = RenderTab();

        tab.WaitForElement("button[aria-label^='Logs of delivery']").Click();

        tab.WaitForAssertion(() =>
        {
            var panel = tab.Find("[data-testid=log-panel]");
            Assert.Equal("SUCCESS", panel.QuerySelector(".log-result")!.TextContent.Trim());
            Assert.Equal("\"Ada\"", panel.QuerySelector("[data-testid=event-json] [data-path='$.data.name'] .json-string")!.TextContent);
            Assert.Equal("true", panel.QuerySelector("[data-testid=response-json] [data-path='$.received'] .json-boolean")!.TextContent);
            var attempts = panel.QuerySelectorAll("[data-testid=attempts] tbody tr").Select(r => r.TextContent).ToList();
            Assert.Equal(2, attempts.Count);
            Assert.Contains("503", attempts[0]);
            Assert.Contains("201", attempts[1]);
            Assert.Contains("42 ms", attempts[1]);
        });
    }

    [Fact]
    public async Task Execution_dates_show_in_the_browsers_time_zone_with_the_exact_utc_on_hover()
    {
        Context.JSInterop.Setup<string?>("webhookAdmin.timeZone").SetResult("Asia/Tokyo");
        await Deliveries.PublishUserEditAsync(Acme, new { name = "Ada" });
        var createdAt = (await Get<WebhookLogQueries>().ListAsync(Acme, _webhook.Id))!.Items.Single().CreatedAt;

        var tab = RenderTab();

        // Tokyo is UTC+9 all year: no daylight saving to make the expectation depend on the date.
        tab.WaitForAssertion(() => Assert.Equal(createdAt.AddHours(9).ToString("G", CultureInfo.GetCultureInfo("en")), tab.Find("td[data-label='Execution date'] span").TextContent));
        Assert.StartsWith(createdAt.ToString("yyyy-MM-dd'T'HH:mm:ss"), tab.Find("td[data-label='Execution date'] span").GetAttribute("title"));
        Assert.Single(Context.JSInterop.Invocations, i => i.Identifier == "webhookAdmin.timeZone");
    }

    [Fact]
    public async Task Copy_puts_the_event_json_on_the_clipboard()
    {
        await Deliveries.PublishUserEditAsync(Acme, new { name = "Ada" });
        var tab = RenderTab();
        tab.WaitForElement("button[aria-label^='Logs of delivery']").Click();
        var eventJson = (await Get<WebhookLogQueries>().ListAsync(Acme, _webhook.Id))!.Items.Single().EventJson;

        tab.WaitForElement("[data-testid=log-panel]").QuerySelectorAll("button").Single(b => b.TextContent.Contains("Copy event")).Click();

        var copy = Context.JSInterop.VerifyInvoke("navigator.clipboard.writeText");
        Assert.Equal(eventJson, copy.Arguments.Single());
    }

    [Fact]
    public async Task Filter_comes_from_the_url_so_a_view_can_be_shared()
    {
        await Deliveries.PublishUserEditAsync(Acme, new { name = "ok" });
        await Deliveries.AttemptAsync(_webhook.Id, 200, "ok");
        await Deliveries.PublishUserEditAsync(Acme, new { name = "bad" });
        await Deliveries.AttemptAsync(_webhook.Id, 404, "missing");
        Get<NavigationManager>().NavigateTo($"/admin/webhooks/{_webhook.Id}?tab=logs&result=success");

        var tab = RenderTab();

        tab.WaitForAssertion(() => Assert.Equal(["SUCCESS"], tab.FindAll(".log-result").Select(c => c.TextContent.Trim())));
        Assert.Contains("Clear filters", tab.Markup);
    }

    [Fact]
    public async Task Changing_a_filter_writes_it_into_the_url()
    {
        var tab = RenderTab();
        tab.WaitForElement("[data-testid=logs-table]");

        await tab.InvokeAsync(() => tab.FindComponents<MudBlazor.MudTextField<int?>>().Single().Instance.ValueChanged.InvokeAsync(500));

        var uri = Get<NavigationManager>().Uri;
        Assert.Contains("tab=logs", uri);
        Assert.Contains("status=500", uri);
    }

    [Fact]
    public async Task New_deliveries_appear_live_while_the_tab_is_open()
    {
        var tab = RenderTab();
        tab.WaitForAssertion(() => Assert.Contains("No deliveries yet", tab.Markup));

        await Deliveries.PublishUserEditAsync(Acme, new { name = "live" });
        Get<LogNotifications>().Changed(_webhook.Id);

        tab.WaitForAssertion(() => Assert.Equal(["PENDING"], tab.FindAll(".log-result").Select(c => c.TextContent.Trim())));
    }

    [Fact]
    public async Task Older_pages_are_reached_without_counting_every_log()
    {
        for (var i = 0; i < WebhookLogQueries.DefaultLimit + 1; i++)
            await Deliveries.PublishUserEditAsync(Acme, new { n = i });
        var tab = RenderTab();
        tab.WaitForAssertion(() => Assert.Equal(WebhookLogQueries.DefaultLimit, tab.FindAll(".log-result").Count));

        tab.FindAll("button").Single(b => b.TextContent.Contains("Older")).Click();

        tab.WaitForAssertion(() => Assert.Single(tab.FindAll(".log-result")));
        Assert.Equal("Page 2", tab.Find("[data-testid=logs-page]").TextContent);
        Assert.Contains("page=2", Get<NavigationManager>().Uri);
    }

    [Fact]
    public async Task Send_test_event_queues_a_sample_of_the_trigger_that_shows_up_at_once()
    {
        var tab = RenderTab();
        tab.WaitForAssertion(() => Assert.Contains("No deliveries yet", tab.Markup));

        tab.FindAll("button").Single(b => b.TextContent.Contains("Send test event")).Click();

        tab.WaitForAssertion(() =>
        {
            var row = Assert.Single(tab.FindAll("[data-testid=logs-table] tbody tr"));
            Assert.Contains("PENDING", row.TextContent);
            Assert.Contains("COTUser · edit", row.TextContent);
        });
        var sent = (await Get<WebhookLogQueries>().ListAsync(Acme, _webhook.Id))!.Items.Single().EventJson;
        Assert.Contains("\"test\":true", sent);
    }

    [Fact]
    public async Task Resend_puts_a_failed_delivery_back_in_the_queue_as_a_manual_attempt()
    {
        await Deliveries.PublishUserEditAsync(Acme, new { name = "Ada" });
        for (var i = 0; i < 3; i++)
            await Deliveries.AttemptAsync(_webhook.Id, 500, "down");
        var tab = RenderTab();
        tab.WaitForElement("button[aria-label^='Logs of delivery']").Click();

        tab.WaitForElement("[data-testid=log-panel]").QuerySelectorAll("button").Single(b => b.TextContent.Trim() == "Resend").Click();
        tab.WaitForAssertion(() => Assert.Equal("RETRYING", tab.Find("[data-testid=log-panel] .log-result").TextContent.Trim()));
        await Deliveries.AttemptAsync(_webhook.Id, 200, "ok");

        var log = (await Get<WebhookLogQueries>().GetAsync(Acme, (await Get<WebhookLogQueries>().ListAsync(Acme, _webhook.Id))!.Items.Single().PublicId))!;
        Assert.Equal((DeliveryState.Succeeded, 4), (log.State, log.Retry));
        Assert.True(log.Attempts[^1].Manual);
        tab.WaitForAssertion(() => Assert.Contains("4 (manual)", tab.Find("[data-testid=attempts]").TextContent));
    }

    [Fact]
    public async Task The_open_logs_row_is_highlighted_and_its_button_says_so()
    {
        await Deliveries.PublishUserEditAsync(Acme, new { name = "first" });
        await Deliveries.PublishUserEditAsync(Acme, new { name = "second" });
        var tab = RenderTab();
        tab.WaitForAssertion(() => Assert.Equal(2, LogButtons(tab).Count));

        await tab.InvokeAsync(() => LogButtons(tab)[1].Click());

        tab.WaitForAssertion(() => Assert.Contains("log-row-open", tab.FindAll("[data-testid=logs-table] tbody tr")[1].ClassList));
        Assert.DoesNotContain("log-row-open", tab.FindAll("[data-testid=logs-table] tbody tr")[0].ClassList);
        Assert.Equal(["false", "true"], LogButtons(tab).Select(b => b.GetAttribute("aria-expanded")));
    }

    [Fact]
    public async Task On_a_narrow_screen_the_log_opens_full_screen_and_closes_again()
    {
        Context.JSInterop.Setup<bool>("webhookAdmin.isNarrow").SetResult(true);
        await Deliveries.PublishUserEditAsync(Acme, new { name = "Ada" });
        var tab = RenderTab();

        tab.WaitForElement("button[aria-label^='Logs of delivery']").Click();

        Dialogs.WaitForAssertion(() => Assert.NotNull(Dialogs.Find(".mud-dialog-fullscreen [data-testid=log-panel]")));
        Assert.Empty(tab.FindAll("[data-testid=log-panel]"));
        Dialogs.Find("button[aria-label='Close log']").Click();
        Dialogs.WaitForAssertion(() => Assert.Empty(Dialogs.FindAll("[data-testid=log-panel]")));
    }

    [Fact]
    public async Task A_test_event_is_marked_in_its_row_and_when_its_log_is_opened_and_a_real_one_is_not()
    {
        await Deliveries.PublishUserEditAsync(Acme, new { name = "real" });
        var tab = RenderTab();
        tab.WaitForAssertion(() => Assert.Single(LogButtons(tab)));
        tab.FindAll("button").Single(b => b.TextContent.Contains("Send test event")).Click();
        tab.WaitForAssertion(() => Assert.Equal(2, LogButtons(tab).Count));
        var rows = tab.FindAll("[data-testid=logs-table] tbody tr");
        Assert.Equal("Test event", rows[0].QuerySelector("[data-testid=test-event-row]")?.TextContent.Trim());
        Assert.Null(rows[1].QuerySelector("[data-testid=test-event-row]"));

        // The list refreshes itself as deliveries change: find and click in one step on the renderer's thread.
        await tab.InvokeAsync(() => LogButtons(tab)[0].Click());
        tab.WaitForAssertion(() => Assert.Contains("Test event", tab.Find("[data-testid=test-event]").TextContent));

        await tab.InvokeAsync(() => LogButtons(tab)[1].Click());
        tab.WaitForAssertion(() => Assert.Contains("\"real\"", tab.Find("[data-testid=event-json]").TextContent));
        Assert.Empty(tab.FindAll("[data-testid=test-event]"));
    }

    [Fact]
    public async Task Resend_failed_asks_first_with_the_count_and_cancel_resends_nothing()
    {
        await FailedDeliveriesAsync(2);
        var tab = RenderTab();
        tab.WaitForAssertion(() => Assert.Equal(["FAILED", "FAILED"], tab.FindAll(".log-result").Select(c => c.TextContent.Trim())));

        ClickResendFailed(tab);

        Dialogs.WaitForAssertion(() => Assert.Contains("Resend 2 failed deliveries?", Dialogs.Markup));
        Assert.Contains("Every FAILED delivery executed at any time is sent again, oldest first", Dialogs.Markup);
        Dialogs.FindAll(".mud-dialog button").Single(b => b.TextContent.Trim() == "Cancel").Click();
        Dialogs.WaitForAssertion(() => Assert.Empty(Dialogs.FindAll(".mud-dialog")));
        Assert.All((await Get<WebhookLogQueries>().ListAsync(Acme, _webhook.Id))!.Items, l => Assert.Equal(DeliveryState.Failed, l.State));

        ClickResendFailed(tab);
        Dialogs.WaitForAssertion(() => Dialogs.FindAll(".mud-dialog button").Single(b => b.TextContent.Trim() == "Resend 2").Click());

        tab.WaitForAssertion(() => Assert.Equal(["RETRYING", "RETRYING"], tab.FindAll(".log-result").Select(c => c.TextContent.Trim())));
        Assert.Contains(Get<MudBlazor.ISnackbar>().ShownSnackbars, s => s.Message == "2 failed deliveries queued to be sent again, oldest first.");
    }

    [Fact]
    public async Task Resend_failed_names_the_from_to_range_in_the_admins_time()
    {
        Context.JSInterop.Setup<string?>("webhookAdmin.timeZone").SetResult("Asia/Tokyo");
        await FailedDeliveriesAsync(1);
        Get<NavigationManager>().NavigateTo($"/admin/webhooks/{_webhook.Id}?tab=logs&from=2020-01-01T00:00:00Z&to=2099-01-01T00:00:00Z");
        var tab = RenderTab();
        tab.WaitForAssertion(() => Assert.Single(tab.FindAll(".log-result")));

        ClickResendFailed(tab);

        Dialogs.WaitForAssertion(() => Assert.Contains("Resend 1 failed delivery?", Dialogs.Markup));
        // en writes "9:00:00\u202FAM" (ICU's narrow no-break space).
        Assert.Matches(@"executed from 1/1/2020 9:00:00\sAM to 1/1/2099 9:00:00\sAM \(your time\)", Dialogs.Markup);
    }

    [Fact]
    public async Task Resend_failed_with_nothing_failed_says_so_without_asking()
    {
        await Deliveries.PublishUserEditAsync(Acme, new { name = "fine" });
        await Deliveries.AttemptAsync(_webhook.Id, 200, "ok");
        var tab = RenderTab();
        tab.WaitForAssertion(() => Assert.Single(tab.FindAll(".log-result")));

        ClickResendFailed(tab);

        tab.WaitForAssertion(() => Assert.Contains(Get<MudBlazor.ISnackbar>().ShownSnackbars,
            s => s.Message == "No failed deliveries executed at any time."));
        Assert.Empty(Dialogs.FindAll(".mud-dialog"));
    }

    private async Task FailedDeliveriesAsync(int count)
    {
        for (var n = 0; n < count; n++)
        {
            await Deliveries.PublishUserEditAsync(Acme, new { n });
            for (var attempt = 0; attempt < 3; attempt++)
                await Deliveries.AttemptAsync(_webhook.Id, 500, "down");
        }
    }

    private static void ClickResendFailed(IRenderedComponent<LogsTab> tab) =>
        tab.FindAll("button").Single(b => b.TextContent.Trim() == "Resend failed").Click();

    private static IReadOnlyList<AngleSharp.Dom.IElement> LogButtons(IRenderedComponent<LogsTab> tab) =>
        tab.FindAll("button[aria-label^='Logs of delivery']");

    private IRenderedComponent<LogsTab> RenderTab() => Render<LogsTab>(p => p.Add(t => t.WebhookId, _webhook.Id));
}
