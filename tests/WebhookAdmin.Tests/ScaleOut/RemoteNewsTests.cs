using Microsoft.Extensions.DependencyInjection;
using WebhookAdmin.Core.Delivery;
using WebhookAdmin.Tests.Delivery.Support;
using WebhookAdmin.Tests.Support;

namespace WebhookAdmin.Tests.ScaleOut;

/// <summary>
/// News of a webhook another instance holds costs the others nothing until that lease runs out or is given back; then
/// they take it at once, not at their next poll.
/// </summary>
[Trait(TestStorage.Trait, TestStorage.PostgreSqlOnly)]
[Collection(SeparateProcesses.Name)]
public sealed class RemoteNewsTests
{
    // Far beyond the test's waits: whatever is claimed below is claimed because of news, not because a poll came round.
    private static readonly Dictionary<string, string> NoPolling = new() { ["PollInterval"] = "00:05:00" };

    [Fact]
    public async Task Publishing_for_a_webhook_another_instance_holds_starts_no_claim_per_publish_and_a_stopped_holders_webhook_is_taken_at_once()
    {
        await using var receiver = await Receiver.StartAsync();
        var folder = Directory.CreateTempSubdirectory("webhookadmin-news-").FullName;
        var database = await TestStorage.NewDatabaseAsync(folder);
        DispatcherHost? publisher = null;
        try
        {
            var holder = await DispatcherHost.StartAsync(NoPolling, database: database);
            try
            {
                var webhook = await holder.CreateUserWebhookAsync(receiver.Url);
                await holder.PublishUserEditsAsync(0);
                await holder.SettledLogsAsync(webhook.Id, 1);
                // Started once the webhook is held (its lane idles 5 s before giving it back), so the roles are certain.
                publisher = await DispatcherHost.StartAsync(NoPolling, database: database);
                var publisherDispatcher = publisher.Services.GetRequiredService<DeliveryDispatcher>();
                var claimsBefore = publisherDispatcher.Claims;

                // Forty publishes, each its own commit and NOTIFY, on the instance that does not hold the webhook.
                for (var n = 1; n <= 40; n++)
                    await publisher.PublishUserEditsAsync(n);
                await publisher.SettledLogsAsync(webhook.Id, 41);

                // The first news asks who holds the webhook (one claim, two if a second publish arrived while it ran);
                // before, every publish cost a heartbeat and a claim.
                Assert.InRange(publisherDispatcher.Claims - claimsBefore, 1, 3);
                Assert.Equal(41, holder.Services.GetRequiredService<DeliveryDispatcher>().AttemptsMade);
                Assert.Equal(Enumerable.Range(0, 41), receiver.Arrivals);
            }
            finally
            {
                // A clean stop gives every webhook back, and says so.
                await holder.DisposeAsync();
            }

            // Remembering the holder's lease until it ran out (75 s) or waiting for the next poll (5 min) would miss this.
            await publisher.PublishUserEditsAsync(41);
            await Eventually.WaitAsync(() => receiver.Arrivals.Count, count => count == 42, TimeSpan.FromSeconds(15), "event 41, delivered by the instance left");
            Assert.Equal(Enumerable.Range(0, 42), receiver.Arrivals);
        }
        finally
        {
            if (publisher is not null)
                await publisher.DisposeAsync();
            Directory.Delete(folder, recursive: true);
        }
    }
}
