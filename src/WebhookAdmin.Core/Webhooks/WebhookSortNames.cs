using Microsoft.EntityFrameworkCore;
using WebhookAdmin.Core.Storage;

namespace WebhookAdmin.Core.Webhooks;

/// <summary>
/// Keeps every webhook's stored <see cref="Webhook.SortName"/> equal to its name's <see cref="TextFold"/>. The
/// migration that added the column filled it with SQL's lower(), right for ASCII names only (SQLite's lower() leaves
/// "Ó" as it is): at start-up the names beyond ASCII are folded again here, the only place that can.
/// </summary>
internal static class WebhookSortNames
{
    public static async Task<int> RefreshAsync(WebhookAdminDbContext db, CancellationToken cancellationToken)
    {
        var names = await db.Webhooks.AsNoTracking().Select(w => new { w.Id, w.Name, w.SortName }).ToListAsync(cancellationToken);
        var stale = names.Where(w => w.SortName != TextFold.Fold(w.Name)).ToList();
        foreach (var webhook in stale)
        {
            var folded = TextFold.Fold(webhook.Name);
            // Only this column: the webhook's version (__v) and modification time are the admin's, not ours.
            await db.Webhooks.Where(w => w.Id == webhook.Id && w.Name == webhook.Name)
                .ExecuteUpdateAsync(set => set.SetProperty(w => w.SortName, folded), cancellationToken);
        }
        return stale.Count;
    }
}
