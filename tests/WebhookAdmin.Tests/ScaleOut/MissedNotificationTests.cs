using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using WebhookAdmin.Core.Delivery;
using WebhookAdmin.Core.Logs;
using WebhookAdmin.Tests.Delivery.Support;
using WebhookAdmin.Tests.Support;

namespace WebhookAdmin.Tests.ScaleOut;

/// <summary>What an instance may have missed while its LISTEN connection was down is made up for from storage.</summary>
[Trait(TestStorage.Trait, TestStorage.PostgreSqlOnly)]
[Collection(SeparateProcesses.Name)]
public sealed class MissedNotificationTests
{
    [Fact]
    public async Task A_resend_whose_notification_was_lost_with_the_listen_connection_is_not_stranded_behind_steady_traffic()
    {
        var failedOnce = 0;
        await using var receiver = await Receiver.StartAsync(async (request, _, aborted) =>
        {
            if (request.N == 0 && Interlocked.Exchange(ref failedOnce, 1) == 0)
                return Results.Text("not now", statusCode: 500);
            await Task.Delay(10, aborted);
            return Results.Text("ok");
        });
        var folder = Directory.CreateTempSubdirectory("webhookadmin-listen-").FullName;
        var database = await TestStorage.NewDatabaseAsync(folder);
        await using var proxy = new TcpProxy(new Npgsql.NpgsqlConnectionStringBuilder(database).Port);
        try
        {
            // The admin's instance (no delivery) publishes and resends; the worker hears of it only through NOTIFY.
            await using var people = await DispatcherHost.StartAsync(new Dictionary<string, string> { ["Enabled"] = "false" }, database: database);
            await using var worker = await DispatcherHost.StartAsync(
                new Dictionary<string, string> { ["MaxAttempts"] = "1", ["PollInterval"] = "00:01:00" }, database: proxy.Through(database));
            var webhook = await people.CreateUserWebhookAsync(receiver.Url);
            await people.PublishUserEditsAsync(0, 1, 2);
            var logs = await people.SettledLogsAsync(webhook.Id, 3);
            Assert.Equal(DeliveryState.Failed, logs[0].State);

            // The resend is committed and announced while the worker's connections are paused, then they are cut: the
            // announcement is lost with the LISTEN connection.
            proxy.Pause();
            Assert.IsType<ResendOutcome.Queued>(await people.Services.GetRequiredService<DeliveryResender>().ResendAsync(Ids.Acme, logs[0].PublicId));
            await Task.Delay(TimeSpan.FromMilliseconds(300));
            proxy.Cut();
            proxy.Resume();

            // Steady traffic keeps the worker's lane going from where it was.
            var n = 3;
            await Eventually.WaitAsync(async () =>
            {
                await people.PublishUserEditsAsync(n++);
                await Task.Delay(50);
                return receiver.Arrivals.Count(a => a == 0);
            }, count => count == 2, TimeSpan.FromSeconds(20), "the resent delivery of event 0");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
