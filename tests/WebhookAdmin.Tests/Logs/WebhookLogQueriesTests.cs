using WebhookAdmin.Core;
using WebhookAdmin.Core.Events;
using WebhookAdmin.Core.Logs;
using WebhookAdmin.Core.Webhooks;
using WebhookAdmin.Tests.Support;

namespace WebhookAdmin.Tests.Logs;

public sealed class WebhookLogQueriesTests : DatabaseTest
{
    private static readonly DateTime Noon = new(2026, 11, 23, 12, 0, 0, DateTimeKind.Utc);
    private Webhook _webhook = null!;

    private WebhookLogQueries Queries => Get<WebhookLogQueries>();

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _webhook = (await Get<WebhookService>().CreateAsync(Ids.Acme, Drafts.User())).Saved();
    }

    [Fact]
    public async Task Rows_come_newest_first_with_their_event_type_and_name()
    {
        await AddAsync(Noon, DeliveryState.Succeeded, 200, CotEventTypes.User, "edit");
        await AddAsync(Noon.AddMinutes(1), DeliveryState.Failed, 500, CotEventTypes.User, "logout");

        var page = await Queries.ListRowsAsync(Ids.Acme, _webhook.Id, LogFilter.None);

        Assert.Equal([("logout", DeliveryState.Failed, 500), ("edit", DeliveryState.Succeeded, 200)],
            page!.Items.Select(r => (r.EventName, r.State, r.Status)));
        Assert.All(page.Items, r => Assert.Equal("COTUser", r.EventType));
        Assert.False(page.HasMore);
    }

    [Theory]
    [InlineData(LogResult.Success, new[] { 200 })]
    [InlineData(LogResult.Failed, new[] { 500, 404 })]
    [InlineData(LogResult.Pending, new[] { 0 })]
    [InlineData(LogResult.All, new[] { 0, 500, 404, 200 })]
    public async Task Result_filter_keeps_only_that_outcome(LogResult result, int[] expectedStatuses)
    {
        await AddAsync(Noon, DeliveryState.Succeeded, 200);
        await AddAsync(Noon.AddMinutes(1), DeliveryState.Failed, 404);
        await AddAsync(Noon.AddMinutes(2), DeliveryState.Failed, 500);
        await AddAsync(Noon.AddMinutes(3), DeliveryState.Pending, 0);

        var page = await Queries.ListRowsAsync(Ids.Acme, _webhook.Id, new LogFilter(Result: result));

        Assert.Equal(expectedStatuses, page!.Items.Select(r => r.Status));
    }

    [Fact]
    public async Task Status_time_range_and_event_type_narrow_together()
    {
        await AddAsync(Noon.AddHours(-2), DeliveryState.Failed, 500, CotEventTypes.Task);
        await AddAsync(Noon, DeliveryState.Failed, 500, CotEventTypes.Task);
        await AddAsync(Noon.AddMinutes(30), DeliveryState.Failed, 500, CotEventTypes.User);
        await AddAsync(Noon.AddMinutes(45), DeliveryState.Failed, 502, CotEventTypes.Task);
        await AddAsync(Noon.AddHours(1), DeliveryState.Failed, 500, CotEventTypes.Task);

        var page = await Queries.ListRowsAsync(Ids.Acme, _webhook.Id,
            new LogFilter(Status: 500, From: Noon, To: Noon.AddHours(1), EventType: CotEventTypes.Task));

        Assert.Equal(Noon, Assert.Single(page!.Items).CreatedAt);
    }

    [Fact]
    public async Task Pages_know_whether_an_older_page_follows()
    {
        for (var i = 0; i < 5; i++)
            await AddAsync(Noon.AddSeconds(i), DeliveryState.Succeeded, 200);

        var first = await Queries.ListRowsAsync(Ids.Acme, _webhook.Id, LogFilter.None, page: 1, limit: 2);
        var third = await Queries.ListRowsAsync(Ids.Acme, _webhook.Id, LogFilter.None, page: 3, limit: 2);

        Assert.True(first!.HasMore);
        Assert.Equal([Noon.AddSeconds(4), Noon.AddSeconds(3)], first.Items.Select(r => r.CreatedAt));
        Assert.False(third!.HasMore);
        Assert.Equal(Noon, Assert.Single(third.Items).CreatedAt);
    }

    [Fact]
    public async Task Another_companys_webhook_and_logs_are_invisible()
    {
        var logId = await AddAsync(Noon, DeliveryState.Succeeded, 200);

        Assert.Null(await Queries.ListRowsAsync(Ids.Globex, _webhook.Id, LogFilter.None));
        Assert.Null(await Queries.GetAsync(Ids.Globex, logId));
        Assert.NotNull(await Queries.GetAsync(Ids.Acme, logId));
    }

    [Fact]
    public async Task A_log_comes_with_its_attempts_in_order()
    {
        var logId = await AddAsync(Noon, DeliveryState.Failed, 500, attempts: 3);

        var log = await Queries.GetAsync(Ids.Acme, logId);

        Assert.Equal([1, 2, 3], log!.Attempts.Select(a => a.Number));
    }

    [Fact]
    public async Task Count_matches_the_filter_as_resend_failed_reads_it_and_knows_only_the_companys_webhooks()
    {
        await AddAsync(Noon.AddHours(-1), DeliveryState.Failed, 500);
        await AddAsync(Noon, DeliveryState.Failed, 500);
        await AddAsync(Noon.AddMinutes(10), DeliveryState.Succeeded, 200);
        await AddAsync(Noon.AddHours(1), DeliveryState.Failed, 500);

        Assert.Equal(3, await Queries.CountAsync(Ids.Acme, _webhook.Id, new LogFilter(LogResult.Failed)));
        // From is inclusive, To exclusive, as ResendFailedAsync takes them.
        Assert.Equal(1, await Queries.CountAsync(Ids.Acme, _webhook.Id, new LogFilter(LogResult.Failed, From: Noon, To: Noon.AddHours(1))));
        Assert.Null(await Queries.CountAsync(Ids.Globex, _webhook.Id, new LogFilter(LogResult.Failed)));
        Assert.Null(await Queries.CountAsync(Ids.Acme, "not-an-id", LogFilter.None));
    }

    [Fact]
    public async Task Rows_tell_test_events_from_real_ones_even_when_a_real_one_mentions_test()
    {
        await AddAsync(Noon, DeliveryState.Succeeded, 200, extraData: """{"test":true,"sentBy":"WebhookAdmin"}""");
        await AddAsync(Noon.AddMinutes(1), DeliveryState.Succeeded, 200, extraData: """{"test":false}""");
        await AddAsync(Noon.AddMinutes(2), DeliveryState.Succeeded, 200);

        var page = await Queries.ListRowsAsync(Ids.Acme, _webhook.Id, LogFilter.None);

        Assert.Equal(new[] { false, false, true }, page!.Items.Select(r => r.IsTest));
    }

    [Fact]
    public async Task Rows_of_large_events_leave_their_bodies_in_the_database()
    {
        // Marked as a test, but far larger than any sample: reading it to tell would cost the list 1 MiB per row.
        var padding = new string('x', 1_000_000);
        for (var i = 0; i < 20; i++)
            await AddAsync(Noon.AddMinutes(i), DeliveryState.Succeeded, 200, extraData: $$"""{"test":true,"padding":"{{padding}}"}""");
        await AddAsync(Noon.AddMinutes(30), DeliveryState.Succeeded, 200, extraData: """{"test":true,"sentBy":"WebhookAdmin"}""");
        await Queries.ListRowsAsync(Ids.Acme, _webhook.Id, LogFilter.None, limit: 1);

        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var page = await Queries.ListRowsAsync(Ids.Acme, _webhook.Id, LogFilter.None, limit: 25);
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;

        Assert.Equal([true, .. Enumerable.Repeat(false, 20)], page!.Items.Select(r => r.IsTest));
        // Other tests run beside this one in the process, so the bound is loose; reading the bodies alone allocates 20 MB.
        Assert.True(allocated < 10_000_000, $"listing 21 rows allocated {allocated:N0} bytes");
    }

    [Fact]
    public void Every_sample_event_is_small_enough_to_be_told_apart_in_a_list()
    {
        var longest = new string('a', 500);
        foreach (var trigger in WebhookTrigger.All)
        {
            var webhook = new Webhook
            {
                Id = ObjectId.NewId(), CompanyId = Ids.Acme, Trigger = trigger.Value, Url = "https://receiver.example/hook", Name = "Sample", Code = "sample",
                Context = new WebhookContext(longest, longest, longest),
            };
            var sample = SampleEvents.For(webhook, TimeProvider.System);
            Assert.InRange(CotEventJson.WriteUtf8(Ids.Acme, sample, DateTime.UtcNow).Length, 1, SampleEvents.MaxBytes / 4);
        }
    }

    private async Task<string> AddAsync(
        DateTime at, DeliveryState state, int status, string type = CotEventTypes.User, string name = "edit", int attempts = 1, string extraData = "null")
    {
        await using var db = await Db.Contexts.CreateDbContextAsync();
        var published = new PublishedEvent
        {
            CompanyId = Ids.Acme, Type = type, Event = name, PublishedAt = at, Deliveries = 1,
            Body = System.Text.Encoding.UTF8.GetBytes($$"""{"type":"{{type}}","event":"{{name}}","extraData":{{extraData}}}"""),
        };
        var log = new WebhookLog
        {
            WebhookId = _webhook.Id,
            CreatedAt = at,
            Event = published,
            State = state,
            Status = status,
            Retry = state == DeliveryState.Pending ? 0 : attempts,
        };
        for (var n = 1; n <= attempts && state != DeliveryState.Pending; n++)
            log.Attempts.Add(new WebhookLogAttempt { Number = n, StartedAt = at.AddSeconds(n), Status = status });
        db.WebhookLogs.Add(log);
        await db.SaveChangesAsync();
        return log.PublicId;
    }
}
