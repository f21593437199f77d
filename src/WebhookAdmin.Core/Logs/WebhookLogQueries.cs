using Microsoft.EntityFrameworkCore;
using WebhookAdmin.Core.Storage;

namespace WebhookAdmin.Core.Logs;

/// <summary>A page of logs and whether an older page follows (known without counting the whole table).</summary>
public sealed record LogPage(IReadOnlyList<WebhookLog> Items, int Page, int Limit, bool HasMore);

public sealed class WebhookLogQueries(IDbContextFactory<WebhookAdminDbContext> dbFactory)
{
    public const int DefaultLimit = 20;
    public const int MaxLimit = 100;

    /// <summary>The webhook's logs, newest first; null when the company has no such webhook.</summary>
    public async Task<LogPage?> ListAsync(string companyId, string webhookId, int page = 1, int limit = DefaultLimit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(page, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, MaxLimit);
        if (!ObjectId.IsValid(webhookId))
            return null;
        webhookId = ObjectId.Normalize(webhookId);

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (!await db.Webhooks.AnyAsync(w => w.CompanyId == companyId && w.Id == webhookId, cancellationToken))
            return null;

        // One row past the page tells whether another page exists.
        var rows = await db.WebhookLogs.AsNoTracking()
            .Where(l => l.WebhookId == webhookId && l.CompanyId == companyId)
            .OrderByDescending(l => l.CreatedAt).ThenByDescending(l => l.Id)
            .Skip((page - 1) * limit)
            .Take(limit + 1)
            .ToListAsync(cancellationToken);
        var hasMore = rows.Count > limit;
        return new LogPage(hasMore ? rows[..limit] : rows, page, limit, hasMore);
    }
}
