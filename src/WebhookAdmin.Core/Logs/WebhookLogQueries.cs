using Microsoft.EntityFrameworkCore;
using WebhookAdmin.Core.Storage;

namespace WebhookAdmin.Core.Logs;

public sealed class WebhookLogQueries(IDbContextFactory<WebhookAdminDbContext> dbFactory)
{
    public const int DefaultLimit = 20;
    public const int MaxLimit = 100;

    /// <summary>
    /// The webhook's logs with their events (bodies included), newest first; null when the company has no such webhook.
    /// For a few logs only: a page of large events is listed by <see cref="ListEntriesAsync"/> and <see cref="ListRowsAsync"/>.
    /// </summary>
    public Task<Page<WebhookLog>?> ListAsync(string companyId, string webhookId, int page = 1, int limit = DefaultLimit, CancellationToken cancellationToken = default) =>
        PageAsync(companyId, webhookId, LogFilter.None, page, limit, (db, logs) => logs.Include(l => l.Event), cancellationToken);

    /// <summary>
    /// The API's page of logs without their events' bodies, newest first; null when the company has no such webhook.
    /// The bodies (up to <c>Webhooks:Events:MaxBytes</c> each) are read one at a time while the page is written (<see cref="EventBodyReader"/>).
    /// </summary>
    public Task<Page<LogEntry>?> ListEntriesAsync(string companyId, string webhookId, int page = 1, int limit = DefaultLimit, CancellationToken cancellationToken = default) =>
        PageAsync(companyId, webhookId, LogFilter.None, page, limit, (db, logs) =>
            from log in logs
            join published in db.Events on log.Sequence equals published.Sequence
            select new LogEntry(log.Id, log.CreatedAt, published.CompanyId, log.Status, log.Retry, log.Response, log.Sequence, log.WebhookId, log.Version, log.WebhookSequence),
            cancellationToken);

    /// <summary>The logs table's rows, filtered, newest first; null when the company has no such webhook.</summary>
    public Task<Page<LogRow>?> ListRowsAsync(string companyId, string webhookId, LogFilter filter, int page = 1, int limit = DefaultLimit, CancellationToken cancellationToken = default) =>
        PageAsync(companyId, webhookId, filter, page, limit, (db, logs) =>
            from log in logs
            join published in db.Events on log.Sequence equals published.Sequence
            // A test event is a small sample: only bodies that small leave the database to be told apart, so a page of
            // 1 MiB events costs no more to list than a page of small ones.
            select new LogRow(ObjectId.OfLog(log.CreatedAt, log.Id), log.CreatedAt, log.State, log.Status, log.Retry, published.Type, published.Event,
                Events.SampleEvents.IsTest(published.Body.Length <= Events.SampleEvents.MaxBytes ? published.Body : null), log.WebhookSequence),
            cancellationToken);

    /// <summary>One log with every attempt, oldest attempt first; null when it is not the company's.</summary>
    public async Task<WebhookLog?> GetAsync(string companyId, string logId, CancellationToken cancellationToken = default)
    {
        if (!ObjectId.TryReadLogKey(logId, out var key))
            return null;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var log = await db.WebhookLogs.AsNoTracking().Include(l => l.Event).Include(l => l.Attempts)
            .Where(l => l.Id == key && db.Webhooks.Any(w => w.Id == l.WebhookId && w.CompanyId == companyId))
            .SingleOrDefaultAsync(cancellationToken);
        // The id names its log only with the right time in front of the key.
        if (log is null || log.PublicId != ObjectId.Normalize(logId))
            return null;
        log.Attempts.Sort((a, b) => a.Number.CompareTo(b.Number));
        return log;
    }

    /// <summary>
    /// How many of the webhook's logs match <paramref name="filter"/>, counted in the database; null when the company has
    /// no such webhook. For a confirmation before acting on them all, never for paging (a million logs cost ~30 ms).
    /// </summary>
    public async Task<int?> CountAsync(string companyId, string webhookId, LogFilter filter, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await CompanyLogsAsync(db, companyId, webhookId, filter, cancellationToken) is { } logs
            ? await logs.CountAsync(cancellationToken)
            : null;
    }

    private async Task<Page<T>?> PageAsync<T>(
        string companyId, string webhookId, LogFilter filter, int page, int limit,
        Func<WebhookAdminDbContext, IQueryable<WebhookLog>, IQueryable<T>> shape, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(page, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, MaxLimit);

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (await CompanyLogsAsync(db, companyId, webhookId, filter, cancellationToken) is not { } matching)
            return null;

        // A page past anything a webhook can hold is empty, not an overflow that wraps round to page 1.
        var offset = (long)(page - 1) * limit;
        if (offset > int.MaxValue)
            return new Page<T>([], page, limit, HasMore: false);
        var logs = matching
            .OrderByDescending(l => l.CreatedAt).ThenByDescending(l => l.Id)
            .Skip((int)offset)
            // One row past the page tells whether another page exists, without counting a million rows.
            .Take(limit + 1);
        var rows = await shape(db, logs).ToListAsync(cancellationToken);
        var hasMore = rows.Count > limit;
        return new Page<T>(hasMore ? rows[..limit] : rows, page, limit, hasMore);
    }

    /// <summary>The webhook's logs narrowed by <paramref name="filter"/>; null when the company has no such webhook (or the id is malformed).</summary>
    private static async Task<IQueryable<WebhookLog>?> CompanyLogsAsync(
        WebhookAdminDbContext db, string companyId, string webhookId, LogFilter filter, CancellationToken cancellationToken)
    {
        if (!ObjectId.IsValid(webhookId))
            return null;
        webhookId = ObjectId.Normalize(webhookId);
        if (!await db.CompanyWebhook(companyId, webhookId).AnyAsync(cancellationToken))
            return null;
        return Filter(db, db.WebhookLogs.AsNoTracking().Where(l => l.WebhookId == webhookId), filter);
    }

    private static IQueryable<WebhookLog> Filter(WebhookAdminDbContext db, IQueryable<WebhookLog> logs, LogFilter filter)
    {
        logs = filter.Result switch
        {
            LogResult.Success => logs.Where(l => l.State == DeliveryState.Succeeded),
            LogResult.Failed => logs.Where(l => l.State == DeliveryState.Failed),
            LogResult.Pending => logs.Where(l => l.State == DeliveryState.Pending),
            _ => logs,
        };
        if (filter.Status is { } status)
            logs = logs.Where(l => l.Status == status);
        // Stored times are whole milliseconds; bounds rounded up keep ">= from" and "< to" exact.
        if (filter.From is { } from)
        {
            var after = UnixTime.CeilingToMillisecond(from);
            logs = logs.Where(l => l.CreatedAt >= after);
        }
        if (filter.To is { } to)
        {
            var before = UnixTime.CeilingToMillisecond(to);
            logs = logs.Where(l => l.CreatedAt < before);
        }
        if (!string.IsNullOrEmpty(filter.EventType))
            logs = logs.Where(l => db.Events.Any(e => e.Sequence == l.Sequence && e.Type == filter.EventType));
        return logs;
    }
}
