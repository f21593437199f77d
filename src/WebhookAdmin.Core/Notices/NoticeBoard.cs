using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using WebhookAdmin.Core.Logs;
using WebhookAdmin.Core.Storage;

namespace WebhookAdmin.Core.Notices;

/// <summary>A notice as the app bar shows it; <see cref="Data"/> is the operational event's <c>data</c>.</summary>
public sealed record NoticeView(string Id, string Kind, string WebhookId, DateTime At, int Count, JsonElement Data, bool Unread)
{
    public string WebhookName => Data.TryGetProperty("webhook", out var webhook) && webhook.TryGetProperty("name", out var name) ? name.GetString() ?? "" : "";

    public int? Percent => Data.TryGetProperty("percent", out var percent) && percent.TryGetInt32(out var value) ? value : null;

    public bool Probed => Data.TryGetProperty("probed", out var probed) && probed.ValueKind == JsonValueKind.True;
}

public sealed record NoticeList(IReadOnlyList<NoticeView> Notices, int Unread);

/// <summary>
/// The app bar's list of the company's notices, newest first, each marked unread after the admin last opened it; and
/// live news of new ones for the open pages of this instance (other instances' come with the page's periodic look).
/// </summary>
public sealed class NoticeBoard(IDbContextFactory<WebhookAdminDbContext> dbFactory, ILogger<LogNotifications> logger)
{
    /// <summary>The notices the list shows: the latest ones, as a phone's screen holds them.</summary>
    public const int Shown = 20;

    /// <summary>Unread counts are shown up to this ("99+" beyond).</summary>
    public const int MaxCounted = 100;

    private readonly LogNotifications _listeners = new(logger);

    public async Task<NoticeList> RecentAsync(string companyId, string userId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var seenUpTo = await SeenUpToAsync(db, companyId, userId, cancellationToken);
        var notices = await db.Notices.AsNoTracking()
            .Where(n => n.CompanyId == companyId)
            .OrderByDescending(n => n.CreatedAt).ThenByDescending(n => n.Id)
            .Take(Shown)
            .ToListAsync(cancellationToken);
        var unread = await db.Notices
            .Where(n => n.CompanyId == companyId && n.CreatedAt > seenUpTo)
            .Take(MaxCounted)
            .CountAsync(cancellationToken);
        return new NoticeList(
            [.. notices.Select(n => new NoticeView(n.Id, n.Kind, n.WebhookId, n.CreatedAt, n.Count, JsonSerializer.Deserialize<JsonElement>(n.Data), n.CreatedAt > seenUpTo))],
            unread);
    }

    /// <summary>The admin has seen the notices up to <paramref name="upTo"/> (the newest shown); never moves back.</summary>
    public async Task MarkSeenAsync(string companyId, string userId, DateTime upTo, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var moved = await db.NoticeReads
            .Where(r => r.CompanyId == companyId && r.UserId == userId && r.SeenUpTo < upTo)
            .ExecuteUpdateAsync(set => set.SetProperty(r => r.SeenUpTo, upTo), cancellationToken);
        if (moved > 0 || await db.NoticeReads.AnyAsync(r => r.CompanyId == companyId && r.UserId == userId, cancellationToken))
            return;
        db.NoticeReads.Add(new NoticeRead { CompanyId = companyId, UserId = userId, SeenUpTo = upTo });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // The same admin in another tab got there first: its row stands, moved forward by the next opening.
        }
    }

    /// <summary>Called (on this instance's pages' context) when the company's notices changed.</summary>
    public IDisposable Subscribe(string companyId, Func<Task> onChange) => _listeners.Subscribe(companyId, onChange);

    public void Changed(string companyId) => _listeners.Changed(companyId);

    private static async Task<DateTime> SeenUpToAsync(WebhookAdminDbContext db, string companyId, string userId, CancellationToken cancellationToken) =>
        await db.NoticeReads.Where(r => r.CompanyId == companyId && r.UserId == userId).Select(r => (DateTime?)r.SeenUpTo)
            .FirstOrDefaultAsync(cancellationToken) ?? DateTime.MinValue;
}
