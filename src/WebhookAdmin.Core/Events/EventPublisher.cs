using Microsoft.EntityFrameworkCore;
using WebhookAdmin.Core.Delivery;
using WebhookAdmin.Core.Logs;
using WebhookAdmin.Core.Storage;

namespace WebhookAdmin.Core.Events;

/// <summary>How the host platform, in this process, hands the dispatcher its events.</summary>
public interface IEventPublisher
{
    /// <summary>
    /// Stores the event and one pending delivery per matching active webhook of <paramref name="companyId"/>, in one
    /// transaction, then wakes the dispatcher. Returns once all of it is durable.
    /// </summary>
    Task<PublishOutcome> PublishAsync(string companyId, CotEvent cotEvent, CancellationToken cancellationToken = default);
}

public abstract record PublishOutcome
{
    private PublishOutcome() { }

    /// <param name="Repeated">The caller id was seen before: nothing new was stored, the first answer is repeated.</param>
    public sealed record Accepted(string EventId, int Deliveries, bool Repeated) : PublishOutcome;

    public sealed record Invalid(IReadOnlyDictionary<string, string[]> Errors) : PublishOutcome;
}

public sealed class EventPublisher(
    IDbContextFactory<WebhookAdminDbContext> dbFactory, DeliverySignal signal, LogNotifications notifications, TimeProvider clock) : IEventPublisher
{
    public async Task<PublishOutcome> PublishAsync(string companyId, CotEvent cotEvent, CancellationToken cancellationToken = default)
    {
        var errors = EventRules.Check(cotEvent);
        if (errors.Count > 0)
            return new PublishOutcome.Invalid(errors);

        var callerId = cotEvent.Id?.Trim();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        // BEGIN IMMEDIATE (Microsoft.Data.Sqlite's default): publishers queue up here, so the caller-id check below
        // cannot race another publish of the same id, and sequence numbers follow commit order.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);

        if (callerId is not null
            && await db.Events.AsNoTracking().SingleOrDefaultAsync(e => e.CompanyId == companyId && e.CallerId == callerId, cancellationToken) is { } seen)
            return new PublishOutcome.Accepted(seen.Id, seen.Deliveries, Repeated: true);

        var triggers = EventMatcher.TriggersFor(cotEvent.Type!, cotEvent.Event!);
        var candidates = await db.Webhooks.AsNoTracking()
            .Where(w => w.CompanyId == companyId && w.IsActive && triggers.Contains(w.Trigger))
            .OrderBy(w => w.Id)
            .ToListAsync(cancellationToken);
        var matched = candidates.Where(w => EventMatcher.ContextMatches(w, cotEvent.Data!.Value)).Select(w => w.Id).ToList();

        var published = await StoreAsync(db, companyId, cotEvent, callerId, matched, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        Announce(matched);
        return new PublishOutcome.Accepted(published.Id, matched.Count, Repeated: false);
    }

    /// <summary>
    /// Sends <paramref name="cotEvent"/> to one webhook of the company only, through the same queue, order and
    /// retries as a published event (the settings panel's "Send test event"). Null when the company has no such webhook.
    /// </summary>
    public async Task<string?> PublishToWebhookAsync(string companyId, string webhookId, CotEvent cotEvent, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (!await db.Webhooks.AnyAsync(w => w.Id == webhookId && w.CompanyId == companyId, cancellationToken))
            return null;
        var published = await StoreAsync(db, companyId, cotEvent, callerId: null, [webhookId], cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        Announce([webhookId]);
        return published.Id;
    }

    /// <summary>The event row (which gives the publish sequence) and one pending delivery per webhook, in the caller's transaction.</summary>
    private async Task<PublishedEvent> StoreAsync(
        WebhookAdminDbContext db, string companyId, CotEvent cotEvent, string? callerId, IReadOnlyList<string> webhookIds, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var published = new PublishedEvent
        {
            Id = ObjectId.NewId(clock),
            CompanyId = companyId,
            CallerId = callerId,
            Type = cotEvent.Type!,
            Event = cotEvent.Event!,
            PublishedAt = now,
            Deliveries = webhookIds.Count,
        };
        db.Events.Add(published);
        await db.SaveChangesAsync(cancellationToken);

        var body = CotEventJson.Write(companyId, cotEvent, cotEvent.CreatedAt?.UtcDateTime ?? now);
        foreach (var webhookId in webhookIds)
        {
            db.WebhookLogs.Add(new WebhookLog
            {
                Id = ObjectId.NewId(clock),
                CompanyId = companyId,
                WebhookId = webhookId,
                CreatedAt = now,
                EventJson = body,
                EventId = published.Id,
                Sequence = published.Sequence,
                NextAttemptAt = now,
            });
        }
        await db.SaveChangesAsync(cancellationToken);
        return published;
    }

    private void Announce(IReadOnlyList<string> webhookIds)
    {
        if (webhookIds.Count == 0)
            return;
        signal.Notify();
        foreach (var webhookId in webhookIds)
            notifications.Changed(webhookId);
    }
}
