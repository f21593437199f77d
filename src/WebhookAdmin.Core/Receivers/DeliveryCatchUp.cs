using Microsoft.EntityFrameworkCore;
using WebhookAdmin.Core.Logs;
using WebhookAdmin.Core.Storage;

namespace WebhookAdmin.Core.Receivers;

/// <summary>One delivery as the catch-up API lists it, without its event's body (read while the answer is written).</summary>
/// <param name="Key">The log's storage key (<see cref="WebhookLog.Id"/>).</param>
/// <param name="EventSequence">The event's <see cref="WebhookLog.Sequence"/>, to read its body.</param>
public sealed record CatchUpEntry(long Key, DateTime CreatedAt, long WebhookSequence, long EventSequence, DeliveryState State)
{
    /// <summary>The delivery's <c>webhook-id</c>.</summary>
    public string MessageId => ObjectId.OfLog(CreatedAt, Key);
}

public abstract record CatchUpResult
{
    private CatchUpResult() { }

    /// <param name="LastSequence">The last number the webhook has given, at the time of the read.</param>
    public sealed record Page(IReadOnlyList<CatchUpEntry> Entries, long LastSequence, bool HasMore) : CatchUpResult;

    /// <summary>The company has no such webhook.</summary>
    public sealed record NotFound : CatchUpResult;

    /// <summary>Deliveries just after the one asked for are no longer held (log retention); <paramref name="OldestSequence"/> is the first still held, or the next to be given when none is.</summary>
    public sealed record Gone(long OldestSequence) : CatchUpResult;

    /// <summary>The number asked after was never given: the webhook's last is <paramref name="LastSequence"/>.</summary>
    public sealed record Ahead(long LastSequence) : CatchUpResult;
}

/// <summary>
/// A webhook's deliveries after a <c>webhook-sequence</c>, in sequence order: what a receiver that missed some reads to
/// catch up, without an admin resending anything. Pending and failed deliveries are listed as well as delivered ones: a
/// receiver wants every event, whatever became of the push.
/// </summary>
public sealed class DeliveryCatchUp(IDbContextFactory<WebhookAdminDbContext> dbFactory)
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    public async Task<CatchUpResult> ReadAsync(string companyId, string webhookId, long after, int limit, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (!await db.CompanyWebhook(companyId, webhookId).AnyAsync(cancellationToken))
            return new CatchUpResult.NotFound();
        // The counter first: every delivery numbered up to it is committed, so the page read next sees them all.
        var last = await db.WebhookCounters.Where(c => c.WebhookId == webhookId).Select(c => (long?)c.LastSequence).SingleOrDefaultAsync(cancellationToken) ?? 0;
        if (after > last)
            return new CatchUpResult.Ahead(last);
        var entries = await db.WebhookLogs.AsNoTracking()
            .Where(l => l.WebhookId == webhookId && l.WebhookSequence > after)
            .OrderBy(l => l.WebhookSequence)
            .Take(limit + 1)
            .Select(l => new CatchUpEntry(l.Id, l.CreatedAt, l.WebhookSequence, l.Sequence, l.State))
            .ToListAsync(cancellationToken);
        // Retention deletes the oldest logs: a page that does not start right after the number asked for would hide a gap.
        if (after < last && (entries.Count == 0 || entries[0].WebhookSequence > after + 1))
            return new CatchUpResult.Gone(entries.Count == 0 ? last + 1 : entries[0].WebhookSequence);
        var hasMore = entries.Count > limit;
        if (hasMore)
            entries.RemoveAt(entries.Count - 1);
        return new CatchUpResult.Page(entries, Math.Max(last, entries.Count > 0 ? entries[^1].WebhookSequence : 0), hasMore);
    }
}
