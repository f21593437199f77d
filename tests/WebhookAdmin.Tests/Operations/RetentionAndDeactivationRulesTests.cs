using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using WebhookAdmin.Core.Delivery;
using WebhookAdmin.Core.Events;
using WebhookAdmin.Core.Logs;
using WebhookAdmin.Core.Storage;
using WebhookAdmin.Core.Webhooks;
using WebhookAdmin.Tests.Support;

namespace WebhookAdmin.Tests.Operations;

/// <summary>Which logs the retention deletes and which webhooks are deactivated, on stored rows with chosen ages.</summary>
public sealed class RetentionAndDeactivationRulesTests : DatabaseTest
{
    private static readonly DateTime Now = DateTime.UtcNow;

    [Fact]
    public async Task Only_finished_logs_older_than_the_retention_go_and_an_event_goes_with_its_last_log()
    {
        var webhook = await CreateAsync("Retained");
        var other = await CreateAsync("Other");
        var oldDone = await AddEventAsync(Now.AddDays(-40), (webhook, DeliveryState.Succeeded), (other, DeliveryState.Failed));
        var oldShared = await AddEventAsync(Now.AddDays(-40), (webhook, DeliveryState.Failed), (other, DeliveryState.Pending));
        var recent = await AddEventAsync(Now.AddDays(-10), (webhook, DeliveryState.Succeeded));

        var purged = await Retention(TimeSpan.FromDays(30)).PurgeAsync(CancellationToken.None);

        Assert.Equal(3, purged);
        await using var db = await Db.Contexts.CreateDbContextAsync();
        Assert.Equal([(other, oldShared, DeliveryState.Pending), (webhook, recent, DeliveryState.Succeeded)],
            (await db.WebhookLogs.Select(l => new { l.WebhookId, l.Sequence, l.State }).ToListAsync())
                .Select(l => (l.WebhookId, l.Sequence, l.State)).OrderBy(l => l.Sequence));
        Assert.Equal(new[] { oldShared, recent }, await db.Events.Select(e => e.Sequence).OrderBy(s => s).ToListAsync());
        Assert.Equal(1, await db.WebhookLogAttempts.CountAsync());
        Assert.DoesNotContain(oldDone, await db.Events.Select(e => e.Sequence).ToListAsync());
    }

    [Fact]
    public async Task A_retention_of_zero_keeps_every_log()
    {
        var webhook = await CreateAsync("Kept");
        await AddEventAsync(Now.AddDays(-4000), (webhook, DeliveryState.Succeeded));

        Assert.Equal(0, await Retention(TimeSpan.Zero).PurgeAsync(CancellationToken.None));
        await using var db = await Db.Contexts.CreateDbContextAsync();
        Assert.Equal(1, await db.WebhookLogs.CountAsync());
    }

    [Fact]
    public async Task Only_webhooks_failing_for_the_whole_span_twenty_times_or_more_are_probed_and_a_failed_probe_deactivates()
    {
        var longAndOften = await CreateAsync("Long and often", failingFor: TimeSpan.FromDays(6), failures: 20);
        var notLongEnough = await CreateAsync("Not long enough", failingFor: TimeSpan.FromDays(4), failures: 500);
        var tooFew = await CreateAsync("Too few", failingFor: TimeSpan.FromDays(60), failures: 19);
        var fine = await CreateAsync("Fine");

        Assert.Equal(1, (await Deactivator(TimeSpan.FromDays(5)).CheckAsync(CancellationToken.None)).Probing);
        await ProbeFailedAsync(longAndOften);
        Assert.Equal(1, (await Deactivator(TimeSpan.FromDays(5)).CheckAsync(CancellationToken.None)).Deactivated);

        await using var db = await Db.Contexts.CreateDbContextAsync();
        var webhooks = await db.Webhooks.AsNoTracking().ToDictionaryAsync(w => w.Id);
        Assert.Equal([false, true, true, true], new[] { longAndOften, notLongEnough, tooFew, fine }.Select(id => webhooks[id].IsActive));
        Assert.StartsWith("Every delivery since ", webhooks[longAndOften].DisabledReason);
        Assert.InRange(webhooks[longAndOften].DisabledAt!.Value, Now.AddMinutes(-1), DateTime.UtcNow.AddSeconds(1));
        Assert.All([notLongEnough, tooFew, fine], id => Assert.Null(webhooks[id].DisabledReason));
    }

    [Fact]
    public async Task A_span_of_zero_never_deactivates()
    {
        var webhook = await CreateAsync("Failing for a year", failingFor: TimeSpan.FromDays(365), failures: 10_000);

        Assert.Equal(new FailingCheck(0, 0, 0, 0), await Deactivator(TimeSpan.Zero).CheckAsync(CancellationToken.None));
        await using var db = await Db.Contexts.CreateDbContextAsync();
        Assert.True((await db.Webhooks.SingleAsync(w => w.Id == webhook)).IsActive);
    }

    [Fact]
    public async Task Activating_an_automatically_deactivated_webhook_forgets_why_and_its_failures()
    {
        var webhook = await CreateAsync("Back again", failingFor: TimeSpan.FromDays(6), failures: 30);
        await Deactivator(TimeSpan.FromDays(5)).CheckAsync(CancellationToken.None);
        await ProbeFailedAsync(webhook);
        await Deactivator(TimeSpan.FromDays(5)).CheckAsync(CancellationToken.None);

        var activated = Assert.IsType<WebhookOutcome.Saved>(await Get<WebhookService>().SetActiveAsync(Ids.Acme, webhook, true)).Webhook;

        Assert.Equal((true, null, null, null, 0),
            (activated.IsActive, activated.DisabledReason, activated.DisabledAt, activated.FailingSince, activated.ConsecutiveFailures));
    }

    private LogRetention Retention(TimeSpan retention) =>
        new(Db.Contexts, Options.Create(new LogOptions { Retention = retention }), TimeProvider.System, NullLogger<LogRetention>.Instance,
            Get<IClusterDuties>(), Options.Create(new DeliveryOptions()));

    private FailingWebhooks Deactivator(TimeSpan after) =>
        new(Db.Contexts, Get<WebhookDirectory>(), Options.Create(new DeliveryOptions { DisableAfter = after, ProbeCoolDown = TimeSpan.Zero }), TimeProvider.System,
            new RecordedNotices(), NullLogger<FailingWebhooks>.Instance);

    /// <summary>What the writer stores when the webhook's probe failed.</summary>
    private async Task ProbeFailedAsync(string id)
    {
        await using var db = await Db.Contexts.CreateDbContextAsync();
        await db.Webhooks.Where(w => w.Id == id).ExecuteUpdateAsync(set => set.SetProperty(w => w.ProbedAt, DateTime.UtcNow));
    }

    private async Task<string> CreateAsync(string name, TimeSpan? failingFor = null, int failures = 0)
    {
        var id = (await Get<WebhookService>().CreateAsync(Ids.Acme, Drafts.User(name))).Saved().Id;
        if (failingFor is { } span)
        {
            await using var db = await Db.Contexts.CreateDbContextAsync();
            await db.Webhooks.Where(w => w.Id == id).ExecuteUpdateAsync(set => set
                .SetProperty(w => w.FailingSince, Now - span).SetProperty(w => w.ConsecutiveFailures, failures));
        }
        return id;
    }

    /// <returns>The event's sequence.</returns>
    private async Task<long> AddEventAsync(DateTime at, params (string WebhookId, DeliveryState State)[] deliveries)
    {
        await using var db = await Db.Contexts.CreateDbContextAsync();
        var published = new PublishedEvent
        {
            CompanyId = Ids.Acme, Type = CotEventTypes.User, Event = "edit", PublishedAt = at, Deliveries = deliveries.Length,
            Body = """{"type":"COTUser","event":"edit"}"""u8.ToArray(),
        };
        foreach (var (webhookId, state) in deliveries)
        {
            var log = new WebhookLog { WebhookId = webhookId, CreatedAt = at, Event = published, State = state, Status = state == DeliveryState.Succeeded ? 200 : 0 };
            if (state != DeliveryState.Pending)
                log.Attempts.Add(new WebhookLogAttempt { Number = 1, StartedAt = at, Status = log.Status, Succeeded = state == DeliveryState.Succeeded });
            db.WebhookLogs.Add(log);
        }
        await db.SaveChangesAsync();
        return published.Sequence;
    }
}
