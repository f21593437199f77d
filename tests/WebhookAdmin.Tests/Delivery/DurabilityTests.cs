using Microsoft.Extensions.Options;
using WebhookAdmin.Core.Logs;
using WebhookAdmin.Tests.Delivery.Support;
using WebhookAdmin.Tests.Support;

namespace WebhookAdmin.Tests.Delivery;

public sealed class DurabilityTests
{
    [Fact]
    public async Task After_a_restart_pending_and_retrying_deliveries_continue_in_order()
    {
        await using var receiver = await Receiver.StartAsync(Answers.Status(503, "down for maintenance"));
        var settings = new Dictionary<string, string> { ["MaxAttempts"] = "10", ["RetryDelay"] = "00:00:00.300" };
        var first = await DispatcherHost.StartAsync(settings);
        var webhook = await first.CreateUserWebhookAsync(receiver.Url);
        await first.PublishUserEditsAsync(1, 2, 3);
        await Eventually.WaitAsync(() => receiver.Arrivals, a => a.Count >= 2, what: "two failed attempts of event 1");

        await first.StopAsync();
        var beforeRestart = receiver.Arrivals.Count;
        var retriesBefore = (await first.LogsAsync(webhook.Id))[0].Retry;
        receiver.Answer = Answers.Status(200);
        await using var second = await DispatcherHost.StartAsync(settings, database: first.ConnectionString);
        var logs = await second.SettledLogsAsync(webhook.Id, 3);
        await first.DisposeAsync();

        Assert.All(receiver.Arrivals.Take(beforeRestart), n => Assert.Equal(1, n));
        // At most once more per event: an attempt cut short by the stop may be repeated, never skipped or reordered.
        Assert.Equal([1, 2, 3], receiver.Arrivals.Skip(beforeRestart).Distinct());
        Assert.Equal(receiver.Arrivals.Order(), receiver.Arrivals);
        Assert.All(logs, l => Assert.Equal(DeliveryState.Succeeded, l.State));
        Assert.Equal(retriesBefore + 1, logs[0].Retry);
        Assert.Equal([1, 1], logs.Skip(1).Select(l => l.Retry));
    }

    [Fact]
    public async Task A_deactivated_webhook_keeps_its_deliveries_pending_and_resumes_them_in_order_when_reactivated()
    {
        await using var receiver = await Receiver.StartAsync(Answers.Status(500));
        await using var host = await DispatcherHost.StartAsync(new Dictionary<string, string> { ["MaxAttempts"] = "10" });
        var webhook = await host.CreateUserWebhookAsync(receiver.Url);
        await host.PublishUserEditsAsync(1, 2, 3);
        await Eventually.WaitAsync(() => receiver.Arrivals, a => a.Count >= 1, what: "the first attempt");

        await host.Webhooks.SetActiveAsync(Ids.Acme, webhook.Id, isActive: false);
        var whenDeactivated = receiver.Arrivals.Count;
        // Several retry delays and poll intervals: long enough for any stray attempt to show up.
        await Task.Delay(DispatcherHost.RetryDelay * 5);
        var whileInactive = receiver.Arrivals.Count;
        var pending = await host.LogsAsync(webhook.Id);

        receiver.Answer = Answers.Status(200);
        await host.Webhooks.SetActiveAsync(Ids.Acme, webhook.Id, isActive: true);
        var logs = await host.SettledLogsAsync(webhook.Id, 3);

        Assert.InRange(whileInactive, whenDeactivated, whenDeactivated + 1); // at most the attempt already in flight
        Assert.All(pending, l => Assert.Equal(DeliveryState.Pending, l.State));
        Assert.Equal([1, 2, 3], receiver.Arrivals.Skip(whileInactive).ToArray());
        Assert.All(logs, l => Assert.Equal(DeliveryState.Succeeded, l.State));
    }

    [Theory]
    [InlineData("MaxAttempts", "0")]
    [InlineData("MaxAttempts", "11")]
    [InlineData("Timeout", "00:00:00")]
    [InlineData("RetryDelay", "-00:00:01")]
    public async Task Out_of_range_delivery_settings_stop_the_start(string key, string value)
    {
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            DispatcherHost.StartAsync(new Dictionary<string, string> { [key] = value }));

        Assert.Contains(key, failure.Message);
    }
}
