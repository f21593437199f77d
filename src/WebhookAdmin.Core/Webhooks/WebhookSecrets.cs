using Microsoft.EntityFrameworkCore;
using WebhookAdmin.Core.Storage;

namespace WebhookAdmin.Core.Webhooks;

/// <summary>A webhook's signing secret: read it, rotate it. Kept apart from the COTWebhook shape on purpose.</summary>
public sealed class WebhookSecrets(IDbContextFactory<WebhookAdminDbContext> dbFactory, WebhookDirectory directory, TimeProvider clock)
{
    /// <summary>How long the secret before a rotation keeps signing beside the new one, so receivers can switch.</summary>
    public static readonly TimeSpan RotationOverlap = TimeSpan.FromHours(24);

    /// <summary>The current secret; null when the company has no such webhook.</summary>
    public async Task<string?> GetAsync(string companyId, string id, CancellationToken cancellationToken = default)
    {
        if (!ObjectId.IsValid(id))
            return null;
        id = ObjectId.Normalize(id);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.CompanyWebhook(companyId, id).Select(w => w.Secret).SingleOrDefaultAsync(cancellationToken);
    }

    /// <summary>
    /// Makes a new secret and keeps the current one as the previous for <see cref="RotationOverlap"/> (one statement,
    /// so a delivery never sees half a rotation). The webhook's <c>__v</c> is left alone: the secret is not one of
    /// the settings an admin edits, and an open settings form must not turn stale because of it.
    /// </summary>
    /// <returns>The new secret; null when the company has no such webhook.</returns>
    public async Task<string?> RotateAsync(string companyId, string id, CancellationToken cancellationToken = default)
    {
        if (!ObjectId.IsValid(id))
            return null;
        id = ObjectId.Normalize(id);
        var secret = WebhookService.NewSecret();
        var expiresAt = clock.GetUtcNow().UtcDateTime + RotationOverlap;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var changed = await db.CompanyWebhook(companyId, id)
            .ExecuteUpdateAsync(set => set
                .SetProperty(w => w.PreviousSecret, w => w.Secret)
                .SetProperty(w => w.PreviousSecretExpiresAt, expiresAt)
                .SetProperty(w => w.Secret, secret), cancellationToken);
        if (changed == 0)
            return null;
        directory.Changed(companyId, [id]);
        return secret;
    }

    /// <summary>The HMAC key of a <c>whsec_</c> secret: the base64 bytes after the prefix.</summary>
    public static byte[] KeyOf(string secret) =>
        Convert.FromBase64String(secret.StartsWith(Delivery.WebhookSigner.SecretPrefix, StringComparison.Ordinal) ? secret[Delivery.WebhookSigner.SecretPrefix.Length..] : secret);
}
