using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using WebhookAdmin.Core.Delivery;
using WebhookAdmin.Core.Logs;
using WebhookAdmin.Core.Webhooks;
using WebhookAdmin.Tests.Delivery.Support;
using WebhookAdmin.Tests.Support;

namespace WebhookAdmin.Tests.Delivery;

/// <summary>
/// <c>webhook-sequence</c> numbers a webhook's deliveries 1, 2, 3… without gaps, so a receiver can tell a missing one
/// from a quiet hour; <c>webhook-attempt</c> says which try a request is.
/// </summary>
public sealed class SequenceHeaderTests
{
    [Fact]
    public async Task Each_webhook_numbers_its_own_deliveries_and_a_retry_keeps_the_number_with_the_next_attempt()
    {
        await using var first = await Receiver.StartAsync(Answers.FailEvent(2, failures: 2));
        await using var second = await Receiver.StartAsync();
        await using var tasks = await Receiver.StartAsync();
        await using var host = await DispatcherHost.StartAsync();
        var firstWebhook = await host.CreateUserWebhookAsync(first.Url, "First");
        var secondWebhook = await host.CreateUserWebhookAsync(second.Url, "Second");
        var taskWebhook = await host.CreateWebhookAsync(new(Name: "Tasks", Url: tasks.Url, Trigger: WebhookTrigger.Task, Context: new("", "", Ids.Workflow)));

        await host.PublishUserEditsAsync(1, 2, 3);
        await host.PublishAsync(Events.TaskCreated(4, Ids.Workflow));
        await host.PublishUserEditsAsync(5);

        await host.SettledLogsAsync(firstWebhook.Id, 4);
        await host.SettledLogsAsync(secondWebhook.Id, 4);
        await host.SettledLogsAsync(taskWebhook.Id, 1);
        Assert.Equal([("1", "1"), ("2", "1"), ("2", "2"), ("2", "3"), ("3", "1"), ("4", "1")], Headers(first));
        Assert.Equal([1, 2, 2, 2, 3, 5], first.Arrivals);
        Assert.Equal([("1", "1"), ("2", "1"), ("3", "1"), ("4", "1")], Headers(second));
        // An event the webhook did not match takes no number of its own.
        Assert.Equal([("1", "1")], Headers(tasks));
        Assert.Equal([1L, 2, 3, 4], (await host.LogsAsync(firstWebhook.Id)).Select(l => l.WebhookSequence));
    }

    [Fact]
    public async Task A_resend_goes_out_with_the_delivery_s_number_and_its_next_attempt()
    {
        await using var receiver = await Receiver.StartAsync(Answers.Status(500));
        await using var host = await DispatcherHost.StartAsync(new Dictionary<string, string> { ["MaxAttempts"] = "2" });
        var webhook = await host.CreateUserWebhookAsync(receiver.Url);
        await host.PublishUserEditsAsync(1, 2);
        var failed = await host.SettledLogsAsync(webhook.Id, 2);
        receiver.Answer = Answers.Status(200);

        var outcome = await host.Services.GetRequiredService<DeliveryResender>().ResendAsync(Ids.Acme, failed[0].PublicId);

        Assert.Equal(new ResendOutcome.Queued(1), outcome);
        await Eventually.WaitAsync(() => host.LogsAsync(webhook.Id), l => l[0].State == DeliveryState.Succeeded, what: "the resend");
        Assert.Equal([("1", "1"), ("1", "2"), ("2", "1"), ("2", "2"), ("1", "3")], Headers(receiver));
    }

    [Fact]
    public async Task Concurrent_publishers_leave_no_gap_and_no_repeat_and_the_receiver_sees_the_numbers_in_order()
    {
        const int Publishers = 8;
        const int EventsEach = 40;
        await using var receiver = await Receiver.StartAsync();
        await using var other = await Receiver.StartAsync();
        await using var host = await DispatcherHost.StartAsync();
        var webhook = await host.CreateUserWebhookAsync(receiver.Url);
        var globex = await host.CreateUserWebhookAsync(other.Url, company: Ids.Globex);

        // Several publishers at once put several events of one webhook into each of the writer's batches.
        await Task.WhenAll(Enumerable.Range(0, Publishers).Select(p => Task.Run(async () =>
        {
            for (var i = 0; i < EventsEach; i++)
            {
                await host.PublishAsync(Events.UserEdit(p * EventsEach + i));
                if (i % 4 == 0)
                    await host.PublishAsync(Events.UserEdit(p * EventsEach + i), Ids.Globex);
            }
        })));

        const int Total = Publishers * EventsEach;
        var logs = await host.SettledLogsAsync(webhook.Id, Total, TimeSpan.FromSeconds(60));
        Assert.Equal(Enumerable.Range(1, Total).Select(n => (long)n), logs.Select(l => l.WebhookSequence));
        Assert.Equal(Enumerable.Range(1, Total).Select(n => n.ToString(CultureInfo.InvariantCulture)), receiver.Requests.Select(r => r.Header("webhook-sequence")));
        // Each number names one event: the receiver saw event n under the number its log holds.
        var numberOfEvent = logs.ToDictionary(l => l.PublicId, l => l.WebhookSequence.ToString(CultureInfo.InvariantCulture));
        Assert.All(receiver.Requests, r => Assert.Equal(numberOfEvent[r.Header("webhook-id")], r.Header("webhook-sequence")));
        var globexLogs = await host.SettledLogsAsync(globex.Id, Publishers * EventsEach / 4, TimeSpan.FromSeconds(60));
        Assert.Equal(Enumerable.Range(1, globexLogs.Length).Select(n => (long)n), globexLogs.Select(l => l.WebhookSequence));
    }

    private static (string Sequence, string Attempt)[] Headers(Receiver receiver) =>
        receiver.Requests.Select(r => (r.Header("webhook-sequence"), r.Header("webhook-attempt"))).ToArray();
}
