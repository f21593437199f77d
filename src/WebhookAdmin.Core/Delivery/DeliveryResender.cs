using Microsoft.EntityFrameworkCore;
using WebhookAdmin.Core.Logs;
using WebhookAdmin.Core.Storage;

namespace WebhookAdmin.Core.Delivery;

public abstract record ResendOutcome
{
    private ResendOutcome() { }

    public sealed record Queued(int Count) : ResendOutcome;

    public sealed record NotFound : ResendOutcome;

    public sealed record Refused(string Reason) : ResendOutcome;
}

/// <summary>
/// An admin's "send it again": the delivery goes back into its webhook's queue for one manual attempt, recorded on
/// the same log. Its place in the queue is its original publish order, so resent deliveries go out oldest first.
/// </summary>
public sealed class DeliveryResender(
    IDbContextFactory<WebhookAdminDbContext> dbFactory, DeliveryFeed feed, IClusterSignals cluster, LogNotifications notifications, TimeProvider clock)
{
    /// <param name="webhookId">When given, the log must be one of this webhook's (the API names both).</param>
    public async Task<ResendOutcome> ResendAsync(string companyId, string logId, CancellationToken cancellationToken = default, string? webhookId = null)
    {
        if (!ObjectId.TryReadLogKey(logId, out var key))
            return new ResendOutcome.NotFound();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var log = await (
                from l in db.WebhookLogs
                join w in db.Webhooks on l.WebhookId equals w.Id
                where l.Id == key && w.CompanyId == companyId
                select new { l.WebhookId, l.CreatedAt, l.State, w.IsActive })
            .SingleOrDefaultAsync(cancellationToken);
        if (log is null || ObjectId.OfLog(log.CreatedAt, key) != ObjectId.Normalize(logId)
            || (webhookId is not null && !(ObjectId.IsValid(webhookId) && ObjectId.Normalize(webhookId) == log.WebhookId)))
            return new ResendOutcome.NotFound();
        if (!log.IsActive)
            return Inactive;
        if (log.State == DeliveryState.Pending)
            return InProgress;

        // Conditional on the state read above: the dispatcher may be recording an attempt of this very delivery.
        var now = UnixTime.Truncate(clock.GetUtcNow().UtcDateTime);
        var queued = await RequeueAsync(db.WebhookLogs.Where(l => l.Id == key && l.State != DeliveryState.Pending), now, cancellationToken);
        if (queued == 0)
            return InProgress;
        Announce(log.WebhookId);
        return new ResendOutcome.Queued(1);
    }

    /// <summary>Every FAILED delivery of the webhook executed in [<paramref name="from"/>, <paramref name="to"/>), in their original order.</summary>
    public async Task<ResendOutcome> ResendFailedAsync(string companyId, string webhookId, DateTime? from, DateTime? to, CancellationToken cancellationToken = default)
    {
        if (!ObjectId.IsValid(webhookId))
            return new ResendOutcome.NotFound();
        webhookId = ObjectId.Normalize(webhookId);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        switch (await IsActiveAsync(db, companyId, webhookId, cancellationToken))
        {
            case null:
                return new ResendOutcome.NotFound();
            case false:
                return Inactive;
        }

        var now = UnixTime.Truncate(clock.GetUtcNow().UtcDateTime);
        // Stored times are whole milliseconds; bounds rounded up keep ">= from" and "< to" exact.
        var after = from is { } f ? UnixTime.CeilingToMillisecond(f) : (DateTime?)null;
        var before = to is { } t ? UnixTime.CeilingToMillisecond(t) : (DateTime?)null;
        var count = await RequeueAsync(
            db.WebhookLogs.Where(l => l.WebhookId == webhookId && l.State == DeliveryState.Failed
                && (after == null || l.CreatedAt >= after) && (before == null || l.CreatedAt < before)),
            now, cancellationToken);
        if (count > 0)
            Announce(webhookId);
        return new ResendOutcome.Queued(count);
    }

    // Properties, not fields: the reason is worded in the language of whoever asks.
    private static ResendOutcome InProgress => new ResendOutcome.Refused(DeliveryText.Localizer["StillInProgress"]);

    private static ResendOutcome Inactive => new ResendOutcome.Refused(DeliveryText.Localizer["WebhookInactive"]);

    /// <summary>Whether the company's webhook is active; null when the company has no such webhook.</summary>
    private static Task<bool?> IsActiveAsync(WebhookAdminDbContext db, string companyId, string webhookId, CancellationToken cancellationToken) =>
        db.CompanyWebhook(companyId, webhookId).Select(w => (bool?)w.IsActive).SingleOrDefaultAsync(cancellationToken);

    /// <summary>
    /// The chosen deliveries back into their webhook's queue for one manual attempt each, in one statement (the caller's
    /// transaction when it has one). Callers put their conditions on the state in <paramref name="logs"/>: the dispatcher
    /// may be recording an attempt of one of them. Followed by <see cref="Announce"/> once committed.
    /// </summary>
    /// <returns>How many went back.</returns>
    internal static Task<int> RequeueAsync(IQueryable<WebhookLog> logs, DateTime now, CancellationToken cancellationToken) =>
        logs.ExecuteUpdateAsync(set => set
            .SetProperty(l => l.State, DeliveryState.Pending)
            .SetProperty(l => l.ManualAttemptRequested, true)
            .SetProperty(l => l.NextAttemptAt, now)
            .SetProperty(l => l.Version, l => l.Version + 1), cancellationToken);

    /// <summary>Tells whoever delivers the webhook, here or on another instance, and its open Logs tabs, that deliveries went back to pending.</summary>
    internal void Announce(string webhookId)
    {
        // Back to pending behind deliveries the lane may already hold: it reads its queue again, oldest first, wherever it runs.
        feed.Reread(webhookId);
        cluster.DeliveriesRequeued(webhookId);
        notifications.Changed(webhookId);
    }
}
