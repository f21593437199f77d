using Microsoft.Extensions.DependencyInjection;
using WebhookAdmin.Core.Delivery;
using WebhookAdmin.Core.Logs;
using WebhookAdmin.Core.Webhooks;
using WebhookAdmin.Tests.Delivery.Support;
using WebhookAdmin.Tests.Support;

namespace WebhookAdmin.Tests.Delivery;

/// <summary>The pipelined engine keeps every guarantee of one-at-a-time delivery while many things happen at once.</summary>
public sealed class PipelineTests
{
    /// <summary>
    /// A timeout is a failed attempt and is retried, which would show as a duplicate arrival: these tests count every
    /// arrival, so attempts get far more than they need even on a loaded machine.
    /// </summary>
    private static readonly Dictionary<string, string> Patient = new() { ["Timeout"] = "00:00:20" };

    [Fact]
    public async Task Concurrent_publishers_events_reach_every_webhook_in_publish_order_exactly_once()
    {
        var receivers = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Receiver.StartAsync()));
        await using var host = await DispatcherHost.StartAsync(Patient);
        var webhooks = new List<Webhook>();
        foreach (var (receiver, i) in receivers.Select((r, i) => (r, i)))
            webhooks.Add(await host.CreateUserWebhookAsync(receiver.Url, name: $"Receiver {i}"));

        // 16 publishers, each publishing its own numbers one after another.
        await Task.WhenAll(Enumerable.Range(0, 16).Select(p => Task.Run(async () =>
        {
            for (var i = 0; i < 40; i++)
                await host.PublishAsync(Events.UserEdit(p * 1000 + i));
        })));

        foreach (var (receiver, webhook) in receivers.Zip(webhooks))
        {
            var logs = await host.SettledLogsAsync(webhook.Id, 640);
            // Publish order is the stored sequence; each receiver saw exactly that order, each event once.
            var published = logs.OrderBy(l => l.Sequence).Select(l => N(l)).ToArray();
            Assert.Equal(published, receiver.Arrivals);
            foreach (var p in Enumerable.Range(0, 16))
                Assert.Equal(Enumerable.Range(p * 1000, 40), receiver.Arrivals.Where(n => n / 1000 == p));
        }
        foreach (var receiver in receivers)
            await receiver.DisposeAsync();
    }

    [Fact]
    public async Task A_lane_that_keeps_up_takes_new_deliveries_in_hand_without_reading_them_back()
    {
        await using var receiver = await Receiver.StartAsync();
        var counted = new CountedStore();
        await using var host = await DispatcherHost.StartAsync(Patient, services: counted.Wrap);
        var webhook = await host.CreateUserWebhookAsync(receiver.Url);
        await host.PublishUserEditsAsync(0);
        await host.SettledLogsAsync(webhook.Id, 1);
        var readsBefore = counted.Reads;

        // Each event is delivered before the next is published: the lane has caught up every time.
        for (var n = 1; n <= 30; n++)
        {
            await host.PublishAsync(Events.UserEdit(n));
            await Eventually.WaitAsync(() => receiver.Arrivals, a => a.Count == n + 1, TimeSpan.FromSeconds(10), $"event {n}");
        }

        Assert.Equal(Enumerable.Range(0, 31), receiver.Arrivals);
        // One read at most, for a notice the lane may take as "read again" (a reconnect of PostgreSQL's listener); before
        // deliveries said what was pending before them, every publish on PostgreSQL cost the lane a read.
        Assert.InRange(counted.Reads - readsBefore, 0, 1);
    }

    [Fact]
    public async Task Every_attempt_is_recorded_exactly_although_later_deliveries_go_out_before_it_is_stored()
    {
        // Every fifth event fails twice before it is taken: records of failures and successes interleave.
        var failures = new System.Collections.Concurrent.ConcurrentDictionary<int, int>();
        await using var receiver = await Receiver.StartAsync((request, _, _) => Task.FromResult(
            request.N % 5 == 0 && failures.AddOrUpdate(request.N, 1, (_, f) => f + 1) <= 2
                ? Microsoft.AspNetCore.Http.Results.Text($"no {request.N}", statusCode: 503)
                : Microsoft.AspNetCore.Http.Results.Text($"ok {request.N}")));
        await using var host = await DispatcherHost.StartAsync(new Dictionary<string, string>(Patient) { ["RetryDelay"] = "00:00:00.050" });
        var webhook = await host.CreateUserWebhookAsync(receiver.Url);

        await host.PublishUserEditsAsync(Enumerable.Range(1, 60).ToArray());

        var logs = await host.SettledLogsAsync(webhook.Id, 60);
        var requests = receiver.Requests.GroupBy(r => r.Header("webhook-id")).ToDictionary(g => g.Key, g => g.ToArray());
        foreach (var log in logs)
        {
            var sent = requests[log.PublicId];
            Assert.Equal(sent.Length, log.Retry);
            Assert.Equal(sent.Length, log.Attempts.Count);
            Assert.Equal(Enumerable.Range(1, sent.Length), log.Attempts.Select(a => a.Number));
            Assert.Equal(N(log) % 5 == 0 ? [503, 503, 200] : new[] { 200 }, log.Attempts.Select(a => a.Status));
            Assert.Equal((DeliveryState.Succeeded, 200, $"ok {N(log)}"), (log.State, log.Status, log.Response));
        }
        Assert.Equal(Enumerable.Range(1, 60), receiver.Arrivals.Distinct());
    }

    [Fact]
    public async Task An_attempt_is_recorded_only_after_the_receiver_answered()
    {
        var answer = new TaskCompletionSource();
        await using var receiver = await Receiver.StartAsync(async (_, _, _) =>
        {
            await answer.Task;
            return Microsoft.AspNetCore.Http.Results.Text("ok");
        });
        await using var host = await DispatcherHost.StartAsync(Patient);
        var webhook = await host.CreateUserWebhookAsync(receiver.Url);
        await host.PublishUserEditsAsync(1);
        await Eventually.WaitAsync(() => receiver.Requests.Count, n => n == 1, what: "the attempt in flight");

        // In flight: a crash now must find it pending with no attempt, so that it is made again.
        await host.Services.GetRequiredService<DeliveryWriter>().FlushAsync();
        var inFlight = Assert.Single(await host.LogsAsync(webhook.Id));
        answer.SetResult();
        var done = Assert.Single(await host.SettledLogsAsync(webhook.Id, 1));

        Assert.Equal((DeliveryState.Pending, 0, 0), (inFlight.State, inFlight.Retry, inFlight.Attempts.Count));
        Assert.Equal((DeliveryState.Succeeded, 1, 1), (done.State, done.Retry, done.Attempts.Count));
    }

    [Fact]
    public async Task Deactivating_stops_deliveries_within_one_in_flight_attempt()
    {
        await using var receiver = await Receiver.StartAsync(Slow(TimeSpan.FromMilliseconds(30)));
        await using var host = await DispatcherHost.StartAsync(Patient);
        var webhook = await BusyWebhookAsync(host, receiver, events: 100);

        await host.Webhooks.SetActiveAsync(Ids.Acme, webhook.Id, isActive: false);
        var atDeactivation = receiver.Requests.Count;
        await Task.Delay(TimeSpan.FromMilliseconds(500));

        Assert.InRange(receiver.Requests.Count, atDeactivation, atDeactivation + 1);
    }

    [Fact]
    public async Task A_new_url_takes_the_next_attempt_and_the_queue_continues_there_in_order()
    {
        await using var before = await Receiver.StartAsync(Slow(TimeSpan.FromMilliseconds(30)));
        await using var after = await Receiver.StartAsync();
        await using var host = await DispatcherHost.StartAsync(Patient);
        var webhook = await BusyWebhookAsync(host, before, events: 50);

        await host.Webhooks.UpdateAsync(Ids.Acme, webhook.Id, new WebhookChanges(Url: after.Url));
        var atChange = before.Requests.Count;
        await host.SettledLogsAsync(webhook.Id, 50);

        Assert.InRange(before.Requests.Count, atChange, atChange + 1);
        Assert.Equal(Enumerable.Range(1, 50), before.Arrivals.Concat(after.Arrivals));
    }

    [Fact]
    public async Task A_rotated_secret_signs_from_the_next_attempt()
    {
        await using var receiver = await Receiver.StartAsync(Slow(TimeSpan.FromMilliseconds(30)));
        await using var host = await DispatcherHost.StartAsync(Patient);
        var webhook = await BusyWebhookAsync(host, receiver, events: 40);

        var rotated = await host.Services.GetRequiredService<WebhookSecrets>().RotateAsync(Ids.Acme, webhook.Id);
        var atRotation = receiver.Requests.Count;
        await host.SettledLogsAsync(webhook.Id, 40);

        var unsignedByNewSecret = receiver.Requests.Skip(atRotation).Count(r => SpecVerifier.MatchingSignatures(r, rotated!) == 0);
        Assert.InRange(unsignedByNewSecret, 0, 1);
        Assert.All(receiver.Requests.Skip(atRotation + 1), r => Assert.Equal(1, SpecVerifier.MatchingSignatures(r, webhook.Secret)));
    }

    [Fact]
    public async Task A_backlog_is_read_a_window_at_a_time_and_drained_in_order()
    {
        await using var receiver = await Receiver.StartAsync();
        // Published while no dispatcher runs: 400 pending deliveries in storage, none in memory.
        var publishing = await DispatcherHost.StartAsync(dispatch: false);
        var webhook = await publishing.CreateUserWebhookAsync(receiver.Url);
        await publishing.Publisher.PublishManyAsync(Ids.Acme, Enumerable.Range(1, 400).Select(n => Events.UserEdit(n)).ToArray());

        await using var host = await DispatcherHost.StartAsync(
            new Dictionary<string, string>(Patient) { ["LaneWindow"] = "16", ["MaxBufferedDeliveries"] = "16" }, database: publishing.ConnectionString);
        var dispatcher = host.Services.GetRequiredService<DeliveryDispatcher>();
        var mostHeld = 0;
        while (receiver.Requests.Count < 400)
        {
            mostHeld = Math.Max(mostHeld, dispatcher.BufferedDeliveries);
            await Task.Delay(1);
        }
        await host.SettledLogsAsync(webhook.Id, 400);
        await publishing.DisposeAsync();

        Assert.InRange(mostHeld, 1, 16);
        Assert.Equal(Enumerable.Range(1, 400), receiver.Arrivals);
    }

    /// <summary>A webhook with numbered events 1..<paramref name="events"/> queued, five of them already delivered.</summary>
    private static async Task<Webhook> BusyWebhookAsync(DispatcherHost host, Receiver receiver, int events)
    {
        var webhook = await host.CreateUserWebhookAsync(receiver.Url);
        await host.PublishUserEditsAsync(Enumerable.Range(1, events).ToArray());
        await Eventually.WaitAsync(() => receiver.Requests.Count, n => n >= 5, what: "five deliveries");
        return webhook;
    }

    private static Answer Slow(TimeSpan delay) => async (_, _, aborted) =>
    {
        await Task.Delay(delay, aborted);
        return Microsoft.AspNetCore.Http.Results.Text("ok");
    };

    private static int N(WebhookLog log) => System.Text.Json.JsonDocument.Parse(log.EventJson).RootElement.GetProperty("data").GetProperty("n").GetInt32();
}
