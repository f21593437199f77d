using Microsoft.EntityFrameworkCore;
using WebhookAdmin.Core.Logs;
using WebhookAdmin.Core.Storage;

namespace WebhookAdmin.Core.Delivery;

/// <summary>The head of one webhook's queue, with what is needed to send it now.</summary>
public sealed record PendingDelivery(string LogId, string WebhookId, long Sequence, int Retry, DateTime NextAttemptAt, DeliveryRequest Request);

/// <summary>
/// Reads the work: which webhooks have something pending, and each one's oldest pending delivery. Inactive webhooks
/// have no work: their pending deliveries stay pending, untouched, and go out in order once the webhook is active again
/// (an admin who pauses a receiver for maintenance expects its backlog, not a gap). Deleting a webhook removes them.
/// </summary>
public sealed class DeliveryQueue(IDbContextFactory<WebhookAdminDbContext> dbFactory, TimeProvider clock)
{
    /// <summary>Active webhooks with at least one pending delivery (one index seek per webhook).</summary>
    public async Task<IReadOnlyList<string>> WebhooksWithWorkAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Webhooks.AsNoTracking()
            .Where(w => w.IsActive && db.WebhookLogs.Any(l => l.WebhookId == w.Id && l.State == DeliveryState.Pending))
            .Select(w => w.Id)
            .ToListAsync(cancellationToken);
    }

    /// <summary>The webhook's oldest pending delivery, due or not; null when there is none or the webhook is inactive.</summary>
    public async Task<PendingDelivery?> HeadAsync(string webhookId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var webhook = await db.Webhooks.AsNoTracking()
            .Where(w => w.Id == webhookId && w.IsActive)
            .Select(w => new { w.Url, w.Secret, w.PreviousSecret, w.PreviousSecretExpiresAt })
            .SingleOrDefaultAsync(cancellationToken);
        if (webhook is null)
            return null;
        var head = await db.WebhookLogs.AsNoTracking()
            .Where(l => l.WebhookId == webhookId && l.State == DeliveryState.Pending)
            .OrderBy(l => l.Sequence)
            .Select(l => new { l.Id, l.Sequence, l.Retry, l.NextAttemptAt, l.EventJson })
            .FirstOrDefaultAsync(cancellationToken);
        if (head is null)
            return null;

        var secrets = SigningSecrets(webhook.Secret, webhook.PreviousSecret, webhook.PreviousSecretExpiresAt, clock.GetUtcNow().UtcDateTime);
        return new PendingDelivery(head.Id, webhookId, head.Sequence, head.Retry, head.NextAttemptAt,
            new DeliveryRequest(webhook.Url, head.Id, head.EventJson, secrets));
    }

    /// <summary>The current secret, and the one before it while its overlap lasts.</summary>
    public static IReadOnlyList<string> SigningSecrets(string current, string? previous, DateTime? previousExpiresAt, DateTime now) =>
        !string.IsNullOrEmpty(previous) && previousExpiresAt > now ? [current, previous] : [current];
}
