using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using WebhookAdmin.Core.Logs;
using WebhookAdmin.Core.Storage;
using WebhookAdmin.Tests.Delivery.Support;
using WebhookAdmin.Tests.Support;

namespace WebhookAdmin.Tests.Operations;

/// <summary><c>Webhooks:Logs:Retention</c>: finished logs past it go, with the events nothing needs any more; pending deliveries stay.</summary>
public sealed class LogRetentionTests(LogRetentionTests.App app) : IClassFixture<LogRetentionTests.App>
{
    internal static readonly TimeSpan Retention = TimeSpan.FromSeconds(2);

    /// <summary>A short retention; the purge runs when the test says (its own schedule is a day).</summary>
    public sealed class App : TestApp
    {
        protected override IEnumerable<string> ExtraArguments =>
            [$"--Webhooks:Logs:Retention={Retention}", "--Webhooks:Logs:PurgeInterval=1.00:00:00"];
    }

    [Fact]
    public async Task Finished_logs_past_the_retention_are_purged_with_their_events_and_pending_deliveries_never_are()
    {
        await using var fast = await Receiver.StartAsync();
        var release = new TaskCompletionSource();
        await using var held = await Receiver.StartAsync(async (_, _, _) =>
        {
            await release.Task;
            return Microsoft.AspNetCore.Http.Results.Ok();
        });
        using var api = await app.ApiClientAsync();
        var delivered = await TelemetryTests.CreateAsync(api, fast.Url);
        for (var n = 1; n <= 3; n++)
            await TelemetryTests.PublishAsync(api, n);
        var waiting = await TelemetryTests.CreateAsync(api, held.Url);
        await TelemetryTests.PublishAsync(api, n: 4);
        await Eventually.WaitAsync(() => fast.Requests, r => r.Count == 4, what: "events 1 to 4 delivered");
        await Eventually.WaitAsync(() => held.Requests, r => r.Count == 1, what: "event 4 held by the second receiver");
        await Task.Delay(Retention + TimeSpan.FromMilliseconds(200));
        await TelemetryTests.PublishAsync(api, n: 5);
        await Eventually.WaitAsync(() => fast.Requests, r => r.Count == 5, what: "event 5 delivered");
        var eventsBefore = await EventsAsync();

        var purged = await app.Get<LogRetention>().PurgeAsync(CancellationToken.None);

        Assert.Equal(4, purged);
        Assert.Equal(new[] { 5 }, await LoggedEventsAsync(api, delivered));
        Assert.Equal(new[] { 4, 5 }, await LoggedEventsAsync(api, waiting));
        // Events 1 to 3 had no log left; 4 still has its pending delivery, 5 is recent.
        Assert.Equal(eventsBefore - 3, await EventsAsync());
        Assert.Equal(0, await OrphanedAttemptsAsync());
        release.SetResult();
        await Eventually.WaitAsync(() => held.Requests, r => r.Count == 2, what: "the kept deliveries sent");
        Assert.Equal([4, 5], held.Arrivals);
    }

    /// <summary>Attempts whose log is gone (the purge deletes them with their log, through the foreign key).</summary>
    private async Task<int> OrphanedAttemptsAsync()
    {
        await using var db = await app.Get<IDbContextFactory<WebhookAdminDbContext>>().CreateDbContextAsync();
        return await db.WebhookLogAttempts.CountAsync(a => !db.WebhookLogs.Any(l => l.Id == a.LogId));
    }

    private async Task<int> EventsAsync()
    {
        await using var db = await app.Get<IDbContextFactory<WebhookAdminDbContext>>().CreateDbContextAsync();
        return await db.Events.CountAsync();
    }

    internal static async Task<int[]> LoggedEventsAsync(HttpClient api, string webhookId) =>
        [.. (await api.GetFromJsonAsync<JsonElement[]>($"/api/v3/webhook/subscription/logs/{webhookId}"))!
            .Select(log => log.GetProperty("event").GetProperty("data").GetProperty("n").GetInt32())
            .Order()];
}

/// <summary>The purge and an admin's resend at the same moment: the resend wins.</summary>
public sealed class LogRetentionRaceTests(LogRetentionTests.App app) : IClassFixture<LogRetentionTests.App>
{
    private static readonly TimeSpan Retention = LogRetentionTests.Retention;

    [Fact]
    public async Task A_resend_committed_between_the_purge_choosing_a_log_and_deleting_it_keeps_the_log_and_is_delivered()
    {
        await using var receiver = await Receiver.StartAsync();
        using var api = await app.ApiClientAsync();
        var webhook = await TelemetryTests.CreateAsync(api, receiver.Url);
        await TelemetryTests.PublishAsync(api, n: 7);
        await Eventually.WaitAsync(() => receiver.Requests, r => r.Count == 1, what: "event 7 delivered");
        await Task.Delay(Retention + TimeSpan.FromMilliseconds(200));
        var logId = (await api.GetFromJsonAsync<JsonElement[]>($"/api/v3/webhook/subscription/logs/{webhook}"))!.Single().GetProperty("_id").GetString()!;
        Assert.True(WebhookAdmin.Core.ObjectId.TryReadLogKey(logId, out var key));
        var retention = app.Get<LogRetention>();
        Core.Delivery.ResendOutcome? resent = null;
        // The admin's resend lands after the purge chose the (finished, old) log and before it deletes it.
        retention.BeforeDelete = async ids =>
        {
            if (resent is null && ids.Contains(key))
                resent = await app.Get<Core.Delivery.DeliveryResender>().ResendAsync(Ids.Acme, logId);
        };
        try
        {
            await retention.PurgeAsync(CancellationToken.None);
        }
        finally
        {
            retention.BeforeDelete = null;
        }

        Assert.IsType<Core.Delivery.ResendOutcome.Queued>(resent);
        await Eventually.WaitAsync(() => receiver.Requests, r => r.Count == 2, what: "the resend delivered");
        Assert.Equal([7, 7], receiver.Arrivals);
        Assert.Equal(new[] { 7 }, await LogRetentionTests.LoggedEventsAsync(api, webhook));
    }

}
