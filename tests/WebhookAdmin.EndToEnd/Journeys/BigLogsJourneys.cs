using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using WebhookAdmin.Core.Events;
using WebhookAdmin.Core.Logs;
using WebhookAdmin.Core.Storage;
using WebhookAdmin.Core.Webhooks;
using WebhookAdmin.EndToEnd.Support;
using WebhookAdmin.Tests.Delivery.Support;
using WebhookAdmin.Tests.Support;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace WebhookAdmin.EndToEnd.Journeys;

/// <summary>
/// A company whose events are all as large as they may be (1 MiB): its Logs tab pages and opens them as promptly as
/// anyone's. The logs are stored directly, as delivered ones would be, so the test measures the tab, not the deliveries.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class BigLogsJourneys(EndToEndFixture fixture, ITestOutputHelper output)
{
    private const int Logs = 100;
    private const int PageSize = WebhookLogQueries.DefaultLimit;

    [Fact]
    public async Task Logs_tab_of_a_hundred_one_megabyte_events_pages_and_opens_them_within_a_second()
    {
        await using var receiver = await Receiver.StartAsync();
        var webhook = ((WebhookOutcome.Saved)await fixture.App.Get<WebhookService>().CreateAsync(Ids.Acme,
            new WebhookDraft("Big events, a hundred", receiver.Url, WebhookTrigger.User))).Webhook;
        var newestFirst = (await SeedAsync(webhook.Id)).AsEnumerable().Reverse().ToArray();

        var page = await fixture.SignInAsync("admin@acme.test", "acme-admin", $"/admin/webhooks/{webhook.Id}?tab=logs", Viewports.Desktop);
        await EndToEndFixture.WaitForCircuitAsync(page);
        var rows = page.GetByTestId("logs-table").Locator("tbody tr");
        await Expect(rows).ToHaveCountAsync(PageSize, new() { Timeout = 15_000 });
        await Expect(LogsButton(page, newestFirst[0])).ToBeVisibleAsync();

        var paging = Stopwatch.StartNew();
        await page.GetByRole(AriaRole.Button, new() { Name = "Older" }).ClickAsync();
        await LogsButton(page, newestFirst[PageSize]).WaitForAsync(new() { State = WaitForSelectorState.Visible });
        paging.Stop();
        await Expect(rows).ToHaveCountAsync(PageSize);

        var opening = Stopwatch.StartNew();
        await LogsButton(page, newestFirst[PageSize + 1]).ClickAsync();
        await page.GetByTestId("event-json").Locator("[data-path='$.data.items[0]']").WaitForAsync(new() { State = WaitForSelectorState.Visible });
        opening.Stop();

        output.WriteLine($"{Logs} logs of ~1 MiB events: page 2 shown {paging.ElapsedMilliseconds:N0} ms after the click, a log opened in {opening.ElapsedMilliseconds:N0} ms");
        Assert.InRange(paging.ElapsedMilliseconds, 0, 1_000);
        Assert.InRange(opening.ElapsedMilliseconds, 0, 1_000);
        await Expect(page.GetByTestId("event-json").Locator($"[data-path='$.data.n'] .json-number")).ToHaveTextAsync((Logs - PageSize - 2).ToString());
        await page.Context.CloseAsync();
    }

    private static ILocator LogsButton(IPage page, string logId) =>
        page.GetByRole(AriaRole.Button, new() { Name = $"Logs of delivery {logId}", Exact = true });

    /// <summary>Stores the logs oldest first, a few at a time; returns their ids in that order.</summary>
    private async Task<string[]> SeedAsync(string webhookId)
    {
        var contexts = fixture.App.Get<IDbContextFactory<WebhookAdminDbContext>>();
        var start = DateTime.UtcNow.AddHours(-1);
        var ids = new List<string>();
        for (var batch = 0; batch < Logs / 10; batch++)
        {
            await using var db = await contexts.CreateDbContextAsync();
            var logs = new List<WebhookLog>();
            for (var n = batch * 10; n < (batch + 1) * 10; n++)
            {
                var at = start.AddSeconds(n);
                var body = Encoding.UTF8.GetBytes(Body(n, at));
                var log = new WebhookLog
                {
                    WebhookId = webhookId,
                    CreatedAt = at,
                    Status = 200,
                    Retry = 1,
                    Response = """{"ok":true}""",
                    State = DeliveryState.Succeeded,
                    Event = new PublishedEvent { CompanyId = Ids.Acme, Type = CotEventTypes.User, Event = CotEventNames.Edit, PublishedAt = at, Deliveries = 1, Body = body },
                };
                log.Attempts.Add(new WebhookLogAttempt { Number = 1, StartedAt = at, DurationMs = 12, Status = 200, Succeeded = true });
                logs.Add(log);
            }
            db.WebhookLogs.AddRange(logs);
            await db.SaveChangesAsync();
            ids.AddRange(logs.Select(l => l.PublicId));
        }
        return [.. ids];
    }

    /// <summary>A COTEvent just under the 1 MiB limit: 5,000 small records.</summary>
    private static string Body(int n, DateTime at)
    {
        var items = Enumerable.Range(0, 5_000).Select(i => new
        {
            id = i, name = $"Item {i}", email = $"item{i}@acme.test", role = "member", active = i % 2 == 0, score = i * 0.5,
            tags = new[] { "red", "green" }, address = new { city = "Springfield", zip = "12345", street = "742 Evergreen Terrace" },
        });
        return JsonSerializer.Serialize(new
        {
            company = Ids.Acme, type = CotEventTypes.User, @event = CotEventNames.Edit, extraData = (object?)null,
            createdAt = at.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture),
            data = new { n, items },
        });
    }
}
