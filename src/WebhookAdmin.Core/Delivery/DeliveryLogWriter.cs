using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using WebhookAdmin.Core.Logs;
using WebhookAdmin.Core.Storage;

namespace WebhookAdmin.Core.Delivery;

/// <summary>Records an attempt on its COTWebhookLog and decides what comes next: done, failed for good, or a retry later.</summary>
public sealed class DeliveryLogWriter(
    IDbContextFactory<WebhookAdminDbContext> dbFactory, IOptions<DeliveryOptions> options, LogNotifications notifications, TimeProvider clock)
{
    public async Task<WebhookLog> RecordAsync(PendingDelivery delivery, AttemptResult result, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var log = await db.WebhookLogs.SingleAsync(l => l.Id == delivery.LogId, cancellationToken);
        log.Retry++;
        log.Status = result.Status;
        log.Response = result.Response;
        log.Version++;
        var manual = log.ManualAttemptRequested;
        log.ManualAttemptRequested = false;
        log.State = result.Succeeded ? DeliveryState.Succeeded
            : manual || log.Retry >= options.Value.MaxAttempts ? DeliveryState.Failed
            : DeliveryState.Pending;
        if (log.State == DeliveryState.Pending)
            log.NextAttemptAt = clock.GetUtcNow().UtcDateTime + options.Value.RetryDelay;

        db.WebhookLogAttempts.Add(new WebhookLogAttempt
        {
            LogId = log.Id,
            Number = log.Retry,
            StartedAt = result.StartedAt,
            DurationMs = (int)Math.Min(int.MaxValue, result.Duration.TotalMilliseconds),
            Status = result.Status,
            Succeeded = result.Succeeded,
            Error = result.TransportError ? result.Response : "",
            Manual = manual,
        });
        await db.SaveChangesAsync(cancellationToken);
        notifications.Changed(log.WebhookId);
        return log;
    }
}
