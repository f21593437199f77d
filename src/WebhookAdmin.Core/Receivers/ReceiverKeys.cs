using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using WebhookAdmin.Core.Storage;

namespace WebhookAdmin.Core.Receivers;

/// <summary>
/// Creates, rotates, revokes and checks receiver keys. A key reads <c>whrk_{webhook id}_{43 random characters}</c>: the
/// webhook id finds its row by key, and the random part (256 bits) is compared by hash in fixed time.
/// </summary>
public sealed class ReceiverKeys(IDbContextFactory<WebhookAdminDbContext> dbFactory, TimeProvider clock)
{
    public const string Prefix = "whrk_";

    /// <summary>How long the key before a rotation keeps working, as a rotated signing secret does.</summary>
    public static readonly TimeSpan RotationOverlap = TimeSpan.FromHours(24);

    private const int HintLength = 4;

    /// <summary>The webhook's key as shown (hint and dates); null when it has none or the company has no such webhook.</summary>
    public async Task<ReceiverKeyInfo?> GetAsync(string companyId, string webhookId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var key = await OwnedAsync(db, companyId, webhookId, cancellationToken);
        return key is null ? null : Info(key, Now);
    }

    /// <summary>
    /// A new key for the webhook. One already there becomes the previous key, accepted for <see cref="RotationOverlap"/>;
    /// a previous one before it stops at once.
    /// </summary>
    /// <returns>The key, the only time it is shown; null when the company has no such webhook.</returns>
    public async Task<NewReceiverKey?> CreateAsync(string companyId, string webhookId, CancellationToken cancellationToken = default)
    {
        try
        {
            return await MakeAsync(companyId, webhookId, cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Two first keys made at once: the other's row is there now, and this one becomes a rotation of it.
            return await MakeAsync(companyId, webhookId, cancellationToken);
        }
    }

    private async Task<NewReceiverKey?> MakeAsync(string companyId, string webhookId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (!await db.CompanyWebhook(companyId, webhookId).AnyAsync(cancellationToken))
            return null;
        var secret = $"{Prefix}{webhookId}_{Base64Url(RandomNumberGenerator.GetBytes(32))}";
        var now = Now;
        var stored = await db.ReceiverKeys.SingleOrDefaultAsync(k => k.WebhookId == webhookId, cancellationToken);
        if (stored is null)
        {
            stored = new ReceiverKey { WebhookId = webhookId, Hash = HashOf(secret), Hint = secret[^HintLength..], CreatedAt = now };
            db.ReceiverKeys.Add(stored);
        }
        else
        {
            (stored.PreviousHash, stored.PreviousExpiresAt) = (stored.Hash, now + RotationOverlap);
            (stored.Hash, stored.Hint, stored.CreatedAt) = (HashOf(secret), secret[^HintLength..], now);
        }
        await db.SaveChangesAsync(cancellationToken);
        return new NewReceiverKey(secret, Info(stored, now));
    }

    /// <summary>Removes the webhook's keys, the previous one included; false when there was none to remove.</summary>
    public async Task<bool> RevokeAsync(string companyId, string webhookId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var owned = db.CompanyWebhook(companyId, webhookId);
        return await db.ReceiverKeys.Where(k => k.WebhookId == webhookId && owned.Any()).ExecuteDeleteAsync(cancellationToken) > 0;
    }

    /// <summary>Whose key <paramref name="presented"/> is; null for anything that is not a current key.</summary>
    public async Task<ReceiverKeyHolder?> AuthenticateAsync(string presented, CancellationToken cancellationToken = default)
    {
        if (!TryReadWebhook(presented, out var webhookId))
            return null;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var found = await (
                from key in db.ReceiverKeys
                join webhook in db.Webhooks on key.WebhookId equals webhook.Id
                where key.WebhookId == webhookId
                select new { key.Hash, key.PreviousHash, key.PreviousExpiresAt, webhook.CompanyId })
            .SingleOrDefaultAsync(cancellationToken);
        if (found is null)
            return null;
        var hash = HashOf(presented);
        var current = Matches(hash, found.Hash);
        var previous = found.PreviousHash is { } before && found.PreviousExpiresAt > Now && Matches(hash, before);
        return current | previous ? new ReceiverKeyHolder(found.CompanyId, webhookId) : null;
    }

    /// <summary>Reads the webhook id out of a key of the right form.</summary>
    public static bool TryReadWebhook(string presented, out string webhookId)
    {
        webhookId = "";
        // whrk_ + 24 hex characters + _ + 43 base64url characters.
        if (presented.Length != Prefix.Length + 24 + 1 + 43 || !presented.StartsWith(Prefix, StringComparison.Ordinal) || presented[Prefix.Length + 24] != '_')
            return false;
        var id = presented.Substring(Prefix.Length, 24);
        if (!ObjectId.IsValid(id))
            return false;
        webhookId = ObjectId.Normalize(id);
        return true;
    }

    private DateTime Now => UnixTime.Truncate(clock.GetUtcNow().UtcDateTime);

    private static Task<ReceiverKey?> OwnedAsync(WebhookAdminDbContext db, string companyId, string webhookId, CancellationToken cancellationToken)
    {
        var owned = db.CompanyWebhook(companyId, webhookId);
        return db.ReceiverKeys.AsNoTracking().Where(k => k.WebhookId == webhookId && owned.Any()).SingleOrDefaultAsync(cancellationToken);
    }

    private static ReceiverKeyInfo Info(ReceiverKey key, DateTime now) =>
        new(key.Hint, key.CreatedAt, key.PreviousExpiresAt > now ? key.PreviousExpiresAt : null);

    private static string HashOf(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    private static bool Matches(string hash, string stored) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(hash), Encoding.ASCII.GetBytes(stored));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
