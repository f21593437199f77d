using Microsoft.Extensions.DependencyInjection;
using WebhookAdmin.Core.Delivery;
using WebhookAdmin.Core.Events;
using WebhookAdmin.Core.Logs;
using WebhookAdmin.Tests.Delivery.Support;
using WebhookAdmin.Tests.Support;

namespace WebhookAdmin.Tests.Delivery;

public sealed class ResendAndTestEventTests
{
    [Fact]
    public async Task Resending_after_the_receiver_is_fixed_adds_one_manual_attempt_to_the_same_log()
    {
        await using var receiver = await Receiver.StartAsync(Answers.Status(500, "down"));
        await using var host = await DispatcherHost.StartAsync();
        var webhook = await host.CreateUserWebhookAsync(receiver.Url);
        await host.PublishUserEditsAsync(1);
        var failed = Assert.Single(await host.SettledLogsAsync(webhook.Id, 1));
        Assert.Equal((DeliveryState.Failed, 3), (failed.State, failed.Retry));

        receiver.Answer = Answers.Status(201, """{"received":true}""");
        var outcome = await Resender(host).ResendAsync(Ids.Acme, failed.PublicId);

        Assert.Equal(new ResendOutcome.Queued(1), outcome);
        var log = Assert.Single(await host.SettledLogsAsync(webhook.Id, 1));
        Assert.Equal((failed.PublicId, DeliveryState.Succeeded, 4, 201, """{"received":true}"""), (log.PublicId, log.State, log.Retry, log.Status, log.Response));
        Assert.Equal([false, false, false, true], log.Attempts.Select(a => a.Manual));
        Assert.Equal([1, 1, 1, 1], receiver.Arrivals);
        Assert.Single(receiver.Requests.Select(r => r.Header("webhook-id")).Distinct());
    }

    [Fact]
    public async Task A_manual_resend_that_fails_is_not_retried_on_its_own()
    {
        await using var receiver = await Receiver.StartAsync(Answers.Status(503));
        await using var host = await DispatcherHost.StartAsync();
        var webhook = await host.CreateUserWebhookAsync(receiver.Url);
        await host.PublishUserEditsAsync(1);
        var failed = Assert.Single(await host.SettledLogsAsync(webhook.Id, 1));

        await Resender(host).ResendAsync(Ids.Acme, failed.PublicId);

        var log = await Eventually.WaitAsync(() => host.LogsAsync(webhook.Id), l => l[0].Retry == 4 && l[0].State == DeliveryState.Failed, what: "the manual attempt");
        await Task.Delay(DispatcherHost.RetryDelay * 3);
        Assert.Equal(4, receiver.Arrivals.Count);
        Assert.Equal(4, (await host.LogsAsync(webhook.Id))[0].Retry);
        Assert.True(log[0].Attempts[^1].Manual);
    }

    [Fact]
    public async Task Resending_every_failed_delivery_sends_them_in_their_original_order()
    {
        await using var receiver = await Receiver.StartAsync(Answers.Status(500));
        await using var host = await DispatcherHost.StartAsync(new Dictionary<string, string> { ["MaxAttempts"] = "1" });
        var webhook = await host.CreateUserWebhookAsync(receiver.Url);
        await host.PublishUserEditsAsync(1, 2, 3);
        await host.SettledLogsAsync(webhook.Id, 3);
        receiver.Answer = Answers.Status(200);

        var outcome = await Resender(host).ResendFailedAsync(Ids.Acme, webhook.Id, from: null, to: null);

        Assert.Equal(new ResendOutcome.Queued(3), outcome);
        var logs = await host.SettledLogsAsync(webhook.Id, 3);
        Assert.All(logs, l => Assert.Equal(DeliveryState.Succeeded, l.State));
        Assert.Equal([1, 2, 3, 1, 2, 3], receiver.Arrivals);
    }

    [Fact]
    public async Task Resending_failed_deliveries_keeps_to_the_time_range()
    {
        await using var receiver = await Receiver.StartAsync(Answers.Status(500));
        await using var host = await DispatcherHost.StartAsync(new Dictionary<string, string> { ["MaxAttempts"] = "1" });
        var webhook = await host.CreateUserWebhookAsync(receiver.Url);
        await host.PublishUserEditsAsync(1);
        var failed = Assert.Single(await host.SettledLogsAsync(webhook.Id, 1));

        var before = await Resender(host).ResendFailedAsync(Ids.Acme, webhook.Id, from: null, to: failed.CreatedAt);
        var after = await Resender(host).ResendFailedAsync(Ids.Acme, webhook.Id, from: failed.CreatedAt.AddTicks(1), to: null);

        Assert.Equal([new ResendOutcome.Queued(0), new ResendOutcome.Queued(0)], new[] { before, after });
        Assert.Equal(DeliveryState.Failed, (await host.LogsAsync(webhook.Id))[0].State);
    }

    [Fact]
    public async Task Resend_is_refused_for_an_inactive_webhook_a_delivery_in_progress_or_another_company()
    {
        await using var receiver = await Receiver.StartAsync(Answers.Status(500));
        await using var host = await DispatcherHost.StartAsync(new Dictionary<string, string> { ["MaxAttempts"] = "1" });
        var webhook = await host.CreateUserWebhookAsync(receiver.Url);
        await host.PublishUserEditsAsync(1);
        var failed = Assert.Single(await host.SettledLogsAsync(webhook.Id, 1));

        Assert.IsType<ResendOutcome.NotFound>(await Resender(host).ResendAsync(Ids.Globex, failed.PublicId));
        Assert.IsType<ResendOutcome.NotFound>(await Resender(host).ResendFailedAsync(Ids.Globex, webhook.Id, null, null));
        await host.Webhooks.SetActiveAsync(Ids.Acme, webhook.Id, false);
        Assert.Contains("deactivated", Assert.IsType<ResendOutcome.Refused>(await Resender(host).ResendAsync(Ids.Acme, failed.PublicId)).Reason);
        Assert.Contains("deactivated", Assert.IsType<ResendOutcome.Refused>(await Resender(host).ResendFailedAsync(Ids.Acme, webhook.Id, null, null)).Reason);
        Assert.Equal(DeliveryState.Failed, (await host.LogsAsync(webhook.Id))[0].State);
    }

    [Fact]
    public async Task A_test_event_goes_to_that_webhook_only_shaped_like_its_trigger()
    {
        await using var tested = await Receiver.StartAsync();
        await using var other = await Receiver.StartAsync();
        await using var host = await DispatcherHost.StartAsync();
        var webhook = await host.CreateWebhookAsync(new(Name: "Tasks", Url: tested.Url, Trigger: Core.Webhooks.WebhookTrigger.Task, Context: new("", "", Ids.Workflow)));
        await host.CreateWebhookAsync(new(Name: "Same workflow", Url: other.Url, Trigger: Core.Webhooks.WebhookTrigger.Task, Context: new("", "", Ids.Workflow)));
        var clock = host.Services.GetRequiredService<TimeProvider>();

        var eventId = await host.Services.GetRequiredService<EventPublisher>().PublishToWebhookAsync(Ids.Acme, webhook.Id, SampleEvents.For(webhook, clock));

        Assert.NotNull(eventId);
        var log = Assert.Single(await host.SettledLogsAsync(webhook.Id, 1));
        Assert.Equal(DeliveryState.Succeeded, log.State);
        var sent = Assert.Single(tested.Requests).Event;
        Assert.Equal(("COTTask", "create", Ids.Workflow, true),
            (sent.GetProperty("type").GetString(), sent.GetProperty("event").GetString(),
             sent.GetProperty("data").GetProperty("taskGroup").GetString(), sent.GetProperty("extraData").GetProperty("test").GetBoolean()));
        Assert.Empty(other.Requests);
        Assert.Null(await host.Services.GetRequiredService<EventPublisher>().PublishToWebhookAsync(Ids.Globex, webhook.Id, SampleEvents.For(webhook, clock)));
    }

    [Fact]
    public async Task Open_logs_tabs_hear_of_queued_deliveries_and_attempts_and_read_the_final_state_last()
    {
        await using var receiver = await Receiver.StartAsync(Answers.FailEvent(n: 1, failures: 1));
        await using var host = await DispatcherHost.StartAsync();
        var webhook = await host.CreateUserWebhookAsync(receiver.Url);
        var seen = new System.Collections.Concurrent.ConcurrentQueue<(DeliveryState, int)>();
        using var subscription = host.Services.GetRequiredService<LogNotifications>().Subscribe(webhook.Id, async () =>
        {
            // What a logs tab does when told: read the logs again.
            foreach (var log in await host.LogsAsync(webhook.Id))
                seen.Enqueue((log.State, log.Retry));
        });

        await host.PublishUserEditsAsync(1);
        await host.SettledLogsAsync(webhook.Id, 1);

        // Queued (read as pending), then failed once and succeeded: the last read shows the final state.
        await Eventually.WaitAsync(() => seen.LastOrDefault(), last => last == (DeliveryState.Succeeded, 2), what: "a read of the final state");
        Assert.Contains(seen, s => s.Item1 == DeliveryState.Pending);
    }

    [Fact]
    public async Task A_burst_of_changes_reaches_a_subscriber_as_a_few_refreshes_ending_after_the_last_change()
    {
        var notifications = new LogNotifications();
        var refreshes = 0;
        var changes = 0;
        var changesSeenByLastRefresh = -1;
        using var subscription = notifications.Subscribe("62685990d918fb5557f9f992", () =>
        {
            Interlocked.Increment(ref refreshes);
            Volatile.Write(ref changesSeenByLastRefresh, Volatile.Read(ref changes));
            return Task.CompletedTask;
        });

        var started = Receiver.Now;
        for (var i = 0; i < 200; i++)
        {
            Interlocked.Increment(ref changes);
            notifications.Changed("62685990d918fb5557f9f992");
            notifications.Changed("62685990d918fb5557f9f99f");
            await Task.Delay(2);
        }
        var elapsed = Receiver.Now - started;

        await Eventually.WaitAsync(() => Volatile.Read(ref changesSeenByLastRefresh), seen => seen == 200, what: "a refresh after the last change");
        // At once, then at most one per interval, then one after the last change; never one per change.
        Assert.InRange(Volatile.Read(ref refreshes), 2, (int)(elapsed / LogNotifications.MinimumInterval) + 2);
    }

    private static DeliveryResender Resender(DispatcherHost host) => host.Services.GetRequiredService<DeliveryResender>();
}
