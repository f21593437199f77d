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

public sealed class EventPublisher(IDbContextFactory<WebhookAdminDbContext> dbFactory, DeliverySignal signal, TimeProvider clock) : IEventPublisher
{
    public async Task<PublishOutcome> PublishAsync(string companyId, CotEvent cotEvent, CancellationToken cancellationToken = default)
    {
        var errors = EventRules.Check(cotEvent);
        if (errors.Count > 0)
            return new PublishOutcome.Invalid(errors);

        var callerId = cotEvent.Id?.Trim();
        var now = clock.GetUtcNow().UtcDateTime;
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
        var matched = candidates.Where(w => EventMatcher.ContextMatches(w, cotEvent.Data!.Value)).ToList();

        var published = new PublishedEvent
        {
            Id = ObjectId.NewId(clock),
            CompanyId = companyId,
            CallerId = callerId,
            Type = cotEvent.Type!,
            Event = cotEvent.Event!,
            PublishedAt = now,
            Deliveries = matched.Count,
        };
        db.Events.Add(published);
        await db.SaveChangesAsync(cancellationToken);

        var body = CotEventJson.Write(companyId, cotEvent, cotEvent.CreatedAt?.UtcDateTime ?? now);
        foreach (var webhook in matched)
        {
            db.WebhookLogs.Add(new WebhookLog
            {
                Id = ObjectId.NewId(clock),
                CompanyId = companyId,
                WebhookId = webhook.Id,
                CreatedAt = now,
                EventJson = body,
                EventId = published.Id,
                Sequence = published.Sequence,
                NextAttemptAt = now,
            });
        }
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        if (matched.Count > 0)
            signal.Notify();
        return new PublishOutcome.Accepted(published.Id, matched.Count, Repeated: false);
    }
}
