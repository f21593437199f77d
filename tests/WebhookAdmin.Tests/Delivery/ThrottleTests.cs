using WebhookAdmin.Core.Logs;
using WebhookAdmin.Core.Webhooks;
using WebhookAdmin.Tests.Delivery.Support;
using WebhookAdmin.Tests.Support;

namespace WebhookAdmin.Tests.Delivery;

/// <summary>A webhook's rate limit spaces its attempts, retries included, and keeps their order.</summary>
public sealed class ThrottleTests
{
    /// <summary>Arrival times jitter a little around the sender's spacing (scheduling, the receiver's own clock read).</summary>
    private static readonly TimeSpan Jitter = TimeSpan.FromMilliseconds(20);

    [Fact]
    public async Task A_rate_limit_of_five_spaces_ten_deliveries_over_at_least_1_8_seconds_in_order()
    {
        await using var receiver = await Receiver.StartAsync();
        await using var host = await DispatcherHost.StartAsync();
        var webhook = await host.CreateWebhookAsync(Drafts.User(url: receiver.Url) with { RateLimit = 5 });

        await host.PublishUserEditsAsync(Enumerable.Range(1, 10).ToArray());

        await host.SettledLogsAsync(webhook.Id, 10);
        Assert.Equal(Enumerable.Range(1, 10), receiver.Arrivals);
        AssertSpaced(receiver.Requests, TimeSpan.FromMilliseconds(200));
        Assert.True(receiver.Requests[^1].At - receiver.Requests[0].At >= TimeSpan.FromSeconds(1.8) - Jitter);
    }

    [Fact]
    public async Task Retries_count_against_the_rate_limit()
    {
        await using var receiver = await Receiver.StartAsync(Answers.FailEvent(n: 1, failures: 2));
        await using var host = await DispatcherHost.StartAsync(new Dictionary<string, string> { ["RetryDelay"] = "00:00:00" });
        var webhook = await host.CreateWebhookAsync(Drafts.User(url: receiver.Url) with { RateLimit = 2 });

        await host.PublishUserEditsAsync(1, 2);

        var logs = await host.SettledLogsAsync(webhook.Id, 2);
        Assert.Equal([1, 1, 1, 2], receiver.Arrivals);
        AssertSpaced(receiver.Requests, TimeSpan.FromMilliseconds(500));
        Assert.All(logs, log => Assert.Equal(DeliveryState.Succeeded, log.State));
    }

    [Fact]
    public async Task A_rate_limit_cleared_lets_deliveries_go_as_fast_as_the_receiver_answers()
    {
        await using var receiver = await Receiver.StartAsync();
        await using var host = await DispatcherHost.StartAsync();
        var webhook = await host.CreateWebhookAsync(Drafts.User(url: receiver.Url) with { RateLimit = 1 });
        (await host.Webhooks.UpdateAsync(Ids.Acme, webhook.Id, new(RateLimit: new Replacement<int?>(null)))).Saved();

        await host.PublishUserEditsAsync(Enumerable.Range(1, 10).ToArray());

        await host.SettledLogsAsync(webhook.Id, 10);
        Assert.True(receiver.Requests[^1].At - receiver.Requests[0].At < TimeSpan.FromSeconds(5));
    }

    private static void AssertSpaced(IReadOnlyList<ReceivedRequest> requests, TimeSpan spacing) =>
        Assert.All(requests.Zip(requests.Skip(1), (a, b) => b.At - a.At),
            gap => Assert.True(gap >= spacing - Jitter, $"attempts {gap.TotalMilliseconds:F0} ms apart, fewer than {spacing.TotalMilliseconds:F0}"));
}
