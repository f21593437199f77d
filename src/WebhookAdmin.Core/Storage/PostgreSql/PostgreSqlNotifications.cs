using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using WebhookAdmin.Core.Delivery;
using WebhookAdmin.Core.Logs;
using WebhookAdmin.Core.Webhooks;

namespace WebhookAdmin.Core.Storage.PostgreSql;

/// <summary>
/// Listens to what the other instances say on <see cref="PostgreSqlStorage.Channel"/> and passes it on here: new
/// deliveries to the dispatcher, changed logs to open logs tabs, saved webhooks to the directory. A lost connection is
/// opened again; whatever was said meanwhile is made up for by treating everything as changed.
/// </summary>
internal sealed partial class PostgreSqlNotifications(
    NpgsqlDataSource dataSource, InstanceIdentity me, DeliveryFeed feed, LogNotifications logs, WebhookDirectory directory,
    ILogger<PostgreSqlNotifications> logger) : BackgroundService
{
    private static readonly TimeSpan ReconnectDelay = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var missedSome = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
                connection.Notification += (_, e) => Receive(e.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {PostgreSqlStorage.Channel}", connection))
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                if (missedSome)
                {
                    directory.ForgetAll();
                    feed.NewsMissed();
                    missedSome = false;
                }
                try
                {
                    while (true)
                        await connection.WaitAsync(stoppingToken);
                }
                finally
                {
                    // Pooled connections are not reset (PostgreSqlStorage): one still listening would collect every
                    // notification for whoever opens it next.
                    if (connection.State == System.Data.ConnectionState.Open)
                        await Unlisten(connection);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                LogListenFailed(e);
                missedSome = true;
                await Task.Delay(ReconnectDelay, CancellationToken.None);
            }
        }
    }

    private static async Task Unlisten(NpgsqlConnection connection)
    {
        try
        {
            await using var unlisten = new NpgsqlCommand("UNLISTEN *", connection);
            await unlisten.ExecuteNonQueryAsync(CancellationToken.None);
        }
        catch (Exception)
        {
            // Mostly a connection that broke meanwhile, which does not go back to the pool; stopping must not fail on it.
        }
    }

    /// <summary>Runs on the listening connection's thread: hand over and return.</summary>
    private void Receive(string payload)
    {
        if (!ClusterMessage.TryParse(payload, out var sender, out var kind, out var ids) || sender == me.Id)
            return;
        switch (kind)
        {
            case ClusterMessage.Work:
                feed.RemoteWork(ids);
                goto case ClusterMessage.Logs; // new deliveries change the logs too
            case ClusterMessage.Logs:
                foreach (var webhookId in ids)
                    logs.Changed(webhookId);
                break;
            case ClusterMessage.WebhooksChanged when ids.Length > 0:
                directory.ChangedElsewhere(ids[0], ids[1..]);
                break;
            case ClusterMessage.Released:
                feed.Released(ids.Length == 0 ? null : ids);
                break;
            case ClusterMessage.Requeued:
                foreach (var webhookId in ids)
                    feed.Reread(webhookId);
                break;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Listening to the other instances failed; connecting again.")]
    private partial void LogListenFailed(Exception e);
}
