using WebhookAdmin.Core.Logs;
using WebhookAdmin.Tests.Delivery.Support;

namespace WebhookAdmin.Tests.Delivery;

public sealed class OrderingTests
{
    [Fact]
    public async Task An_event_that_fails_twice_holds_back_the_next_until_it_succeeds()
    {
        await using var receiver = await Receiver.StartAsync(Answers.FailEvent(n: 2, failures: 2));
        await using var host = await DispatcherHost.StartAsync();
        var webhook = await host.CreateUserWebhookAsync(receiver.Url);

        await host.PublishUserEditsAsync(1, 2, 3);

        var logs = await host.SettledLogsAsync(webhook.Id, 3);
        Assert.Equal([1, 2, 2, 2, 3], receiver.Arrivals);
        Assert.All(logs, l => Assert.Equal(DeliveryState.Succeeded, l.State));
        Assert.Equal([1, 3, 1], logs.Select(l => l.Retry));
        Assert.Equal([200, 200, 200], logs.Select(l => l.Status));
        Assert.Equal([500, 500, 200], logs[1].Attempts.Select(a => a.Status));
        Assert.Equal([1, 2, 3], logs[1].Attempts.Select(a => a.Number));
    }

    [Fact]
    public async Task Retries_wait_the_retry_delay_and_when_attempts_run_out_the_next_event_goes()
    {
        await using var receiver = await Receiver.StartAsync(Answers.FailEvent(n: 1, failures: int.MaxValue));
        await using var host = await DispatcherHost.StartAsync();
        var webhook = await host.CreateUserWebhookAsync(receiver.Url);

        await host.PublishUserEditsAsync(1, 2);

        var logs = await host.SettledLogsAsync(webhook.Id, 2);
        Assert.Equal([1, 1, 1, 2], receiver.Arrivals);
        var tries = receiver.Requests.Take(3).Select(r => r.At).ToArray();
        Assert.All(tries.Zip(tries.Skip(1), (a, b) => b - a), gap => Assert.True(gap >= DispatcherHost.RetryDelay, $"gap {gap.TotalMilliseconds} ms"));
        Assert.Equal((DeliveryState.Failed, 3, 500, "not yet"), (logs[0].State, logs[0].Retry, logs[0].Status, logs[0].Response));
        Assert.Equal((DeliveryState.Succeeded, 1, 200), (logs[1].State, logs[1].Retry, logs[1].Status));
    }

    [Fact]
    public async Task A_hanging_receiver_does_not_delay_another_webhook()
    {
        await using var hanging = await Receiver.StartAsync(Answers.Hang);
        await using var healthy = await Receiver.StartAsync();
        // A long timeout makes any waiting on the hanging lane obvious.
        await using var host = await DispatcherHost.StartAsync(new Dictionary<string, string> { ["Timeout"] = "00:00:10" });
        await host.CreateUserWebhookAsync(hanging.Url, name: "Hangs");
        await host.CreateUserWebhookAsync(healthy.Url, name: "Healthy");

        var started = Receiver.Now;
        await host.PublishUserEditsAsync(1, 2, 3);

        await Eventually.WaitAsync(() => healthy.Arrivals, a => a.Count == 3, TimeSpan.FromSeconds(3), "the healthy receiver's three events");
        Assert.Equal([1, 2, 3], healthy.Arrivals);
        Assert.Equal([1], hanging.Arrivals);
        Assert.True(Receiver.Now - started < TimeSpan.FromSeconds(5), "the healthy webhook waited for the hanging one");
    }
}
