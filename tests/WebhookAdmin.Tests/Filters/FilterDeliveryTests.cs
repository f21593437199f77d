using Microsoft.Extensions.DependencyInjection;
using WebhookAdmin.Core.Filters;
using WebhookAdmin.Core.Logs;
using WebhookAdmin.Tests.Delivery.Support;
using WebhookAdmin.Tests.Support;

namespace WebhookAdmin.Tests.Filters;

/// <summary>A payload filter on the publish path, on both providers: skipped events leave nothing behind, changes apply at once.</summary>
public sealed class FilterDeliveryTests
{
    private const string FromTwo = """{"path":"data.n","op":"gte","value":2}""";

    [Fact]
    public async Task An_event_the_filter_skips_gets_no_delivery_no_log_and_no_number()
    {
        await using var filtered = await Receiver.StartAsync();
        await using var unfiltered = await Receiver.StartAsync();
        await using var host = await DispatcherHost.StartAsync();
        var webhook = await host.CreateUserWebhookAsync(filtered.Url, "Filtered");
        var other = await host.CreateUserWebhookAsync(unfiltered.Url, "Everything");
        Assert.IsType<FilterOutcome.Saved>(await Filters(host).SaveAsync(Ids.Acme, webhook.Id, FromTwo));

        await host.PublishUserEditsAsync(1, 2, 1, 3);

        var logs = await host.SettledLogsAsync(webhook.Id, 2);
        await host.SettledLogsAsync(other.Id, 4);
        Assert.Equal([2, 3], filtered.Arrivals);
        Assert.Equal([1L, 2], logs.Select(l => l.WebhookSequence));
        Assert.Equal(["1", "2"], filtered.Requests.Select(r => r.Header("webhook-sequence")));
        Assert.Equal([1, 2, 1, 3], unfiltered.Arrivals);
    }

    [Fact]
    public async Task A_saved_filter_applies_to_the_next_publish_and_removing_it_sends_everything_again()
    {
        await using var receiver = await Receiver.StartAsync();
        await using var host = await DispatcherHost.StartAsync();
        var webhook = await host.CreateUserWebhookAsync(receiver.Url);

        await host.PublishUserEditsAsync(1);
        await Filters(host).SaveAsync(Ids.Acme, webhook.Id, FromTwo);
        await host.PublishUserEditsAsync(1, 2);
        Assert.True(await Filters(host).RemoveAsync(Ids.Acme, webhook.Id));
        await host.PublishUserEditsAsync(1);

        await host.SettledLogsAsync(webhook.Id, 3);
        Assert.Equal([1, 2, 1], receiver.Arrivals);
    }

    [Fact]
    public async Task A_filter_is_tried_on_the_last_fifty_logged_events_newest_first_without_sending_anything()
    {
        await using var receiver = await Receiver.StartAsync();
        await using var host = await DispatcherHost.StartAsync();
        var webhook = await host.CreateUserWebhookAsync(receiver.Url);
        foreach (var n in Enumerable.Range(1, 55))
            await host.PublishAsync(Events.UserEdit(n));
        await host.SettledLogsAsync(webhook.Id, 55);
        var filter = PayloadFilterParser.Parse("""{"or":[{"path":"data.n","op":"gt","value":50},{"path":"data.n","op":"in","value":[7,9]}]}""").Filter;

        var rows = await Filters(host).TestAsync(Ids.Acme, webhook.Id, filter);

        Assert.NotNull(rows);
        Assert.Equal(Enumerable.Range(6, 50).Reverse().Select(n => (long)n), rows.Select(r => r.Sequence));
        Assert.Equal([55, 54, 53, 52, 51, 9, 7], rows.Where(r => r.WouldSend).Select(r => (int)r.Sequence));
        Assert.All(rows, r => Assert.Equal(DeliveryState.Succeeded, r.State));
        Assert.Null(Assert.IsType<FilterOutcome.Saved>(await Filters(host).GetAsync(Ids.Acme, webhook.Id)).Filter);
        Assert.Equal(55, receiver.Requests.Count);
    }

    [Fact]
    public async Task Another_company_s_webhook_filter_is_not_found_even_with_a_broken_filter()
    {
        await using var host = await DispatcherHost.StartAsync();
        var webhook = await host.CreateUserWebhookAsync("https://receiver.example/hook");
        await Filters(host).SaveAsync(Ids.Acme, webhook.Id, FromTwo);

        Assert.IsType<FilterOutcome.NotFound>(await Filters(host).GetAsync(Ids.Globex, webhook.Id));
        Assert.IsType<FilterOutcome.NotFound>(await Filters(host).SaveAsync(Ids.Globex, webhook.Id, """{"path":"data.n","op":"exists"}"""));
        Assert.IsType<FilterOutcome.NotFound>(await Filters(host).SaveAsync(Ids.Globex, webhook.Id, """{"path":"nope"}"""));
        Assert.False(await Filters(host).RemoveAsync(Ids.Globex, webhook.Id));
        Assert.Null(await Filters(host).TestAsync(Ids.Globex, webhook.Id, null));
        var kept = Assert.IsType<FilterOutcome.Saved>(await Filters(host).GetAsync(Ids.Acme, webhook.Id));
        Assert.Equal(FromTwo, kept.Filter!.ToJson());
    }

    [Fact]
    public async Task A_broken_filter_is_refused_and_the_stored_one_kept()
    {
        await using var host = await DispatcherHost.StartAsync();
        var webhook = await host.CreateUserWebhookAsync("https://receiver.example/hook");
        await Filters(host).SaveAsync(Ids.Acme, webhook.Id, FromTwo);

        var refused = Assert.IsType<FilterOutcome.Invalid>(await Filters(host).SaveAsync(Ids.Acme, webhook.Id, """{"and":[{"path":"data.n","op":"exists"},{"path":"data.n","op":"gt"}]}"""));

        Assert.Equal("and[1].value", Assert.Single(refused.Errors).Location);
        Assert.Equal(FromTwo, Assert.IsType<FilterOutcome.Saved>(await Filters(host).GetAsync(Ids.Acme, webhook.Id)).Filter!.ToJson());
    }

    private static PayloadFilterService Filters(DispatcherHost host) => host.Services.GetRequiredService<PayloadFilterService>();
}
