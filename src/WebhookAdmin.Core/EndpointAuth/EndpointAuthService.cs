using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using WebhookAdmin.Core.Delivery;
using WebhookAdmin.Core.Storage;
using WebhookAdmin.Core.Webhooks;

namespace WebhookAdmin.Core.EndpointAuth;

public abstract record EndpointAuthOutcome
{
    private EndpointAuthOutcome() { }

    public sealed record Saved(EndpointAuthView View) : EndpointAuthOutcome;

    public sealed record Invalid(IReadOnlyList<(string Field, string Message)> Errors) : EndpointAuthOutcome;

    public sealed record NotFound : EndpointAuthOutcome;
}

/// <summary>
/// A webhook's endpoint authentication: shown masked, replaced whole (secrets left out are kept), removed. Secret values
/// are protected with Data Protection before they reach the database and unprotected only to send a delivery.
/// </summary>
public sealed class EndpointAuthService(
    IDbContextFactory<WebhookAdminDbContext> dbFactory, EndpointSecretBox box, WebhookDirectory directory, IOptions<DeliveryOptions> delivery, TimeProvider clock)
{
    /// <summary>What is configured, secrets masked; <see cref="EndpointAuthView.Nothing"/> when nothing is; null when the company has no such webhook.</summary>
    public async Task<EndpointAuthView?> GetAsync(string companyId, string webhookId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (!await db.CompanyWebhook(companyId, webhookId).AnyAsync(cancellationToken))
            return null;
        var stored = await db.EndpointAuthentications.AsNoTracking().SingleOrDefaultAsync(a => a.WebhookId == webhookId, cancellationToken);
        return stored is null ? EndpointAuthView.Nothing : View(stored, box.Unprotect(stored));
    }

    public async Task<EndpointAuthOutcome> SaveAsync(string companyId, string webhookId, EndpointAuthSettings settings, CancellationToken cancellationToken = default)
    {
        try
        {
            return await ReplaceAsync(companyId, webhookId, settings, cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Two first saves at once: the other's row is there now, and this save replaces it.
            return await ReplaceAsync(companyId, webhookId, settings, cancellationToken);
        }
    }

    private async Task<EndpointAuthOutcome> ReplaceAsync(string companyId, string webhookId, EndpointAuthSettings settings, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (!await db.CompanyWebhook(companyId, webhookId).AnyAsync(cancellationToken))
            return new EndpointAuthOutcome.NotFound();
        var stored = await db.EndpointAuthentications.SingleOrDefaultAsync(a => a.WebhookId == webhookId, cancellationToken);
        var before = stored is null ? EndpointSecrets.None : box.Unprotect(stored);
        var beforeView = stored is null ? EndpointAuthView.Nothing : View(stored, before);
        var errors = EndpointAuthRules.Check(settings, beforeView, delivery.Value.AllowPrivateNetworks);
        if (errors.Count > 0)
            return new EndpointAuthOutcome.Invalid(errors);

        var headers = settings.Headers ?? [];
        var beforeHeaders = EndpointSecretBox.HeaderNamesOf(stored);
        string Kept(string? given, string old) => given ?? old;
        string KeptHeader(HeaderSetting header) =>
            header.Value ?? before.HeaderValues[beforeHeaders.FindIndex(n => string.Equals(n, header.Name, StringComparison.OrdinalIgnoreCase))];
        // Only what the kind uses is kept: switching from Basic to Bearer forgets the password.
        var kind = settings.Kind;
        var secrets = new EndpointSecrets(
            kind == EndpointAuthKind.Basic ? Kept(settings.Password, before.Password) : "",
            kind == EndpointAuthKind.Bearer ? Kept(settings.Token, before.Token) : "",
            kind == EndpointAuthKind.OAuth2 ? Kept(settings.ClientSecret, before.ClientSecret) : "",
            headers.Select(KeptHeader).ToList());
        if (stored is null)
        {
            stored = new EndpointAuthentication { WebhookId = webhookId };
            db.EndpointAuthentications.Add(stored);
        }
        stored.Kind = kind;
        stored.Username = kind == EndpointAuthKind.Basic ? Kept(settings.Username, stored.Username) : "";
        stored.TokenUrl = kind == EndpointAuthKind.OAuth2 ? Kept(settings.TokenUrl, stored.TokenUrl) : "";
        stored.ClientId = kind == EndpointAuthKind.OAuth2 ? Kept(settings.ClientId, stored.ClientId) : "";
        stored.Scope = kind == EndpointAuthKind.OAuth2 ? Kept(settings.Scope, stored.Scope) : "";
        stored.HeaderNames = JsonSerializer.Serialize(headers.Select(h => h.Name).ToList());
        stored.ProtectedSecrets = box.Protect(secrets);
        stored.ModifiedAt = UnixTime.Truncate(clock.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync(cancellationToken);
        directory.Changed(companyId, [webhookId]);
        return new EndpointAuthOutcome.Saved(View(stored, secrets));
    }

    /// <returns>False when the company has no such webhook.</returns>
    public async Task<bool> RemoveAsync(string companyId, string webhookId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (!await db.CompanyWebhook(companyId, webhookId).AnyAsync(cancellationToken))
            return false;
        await db.EndpointAuthentications.Where(a => a.WebhookId == webhookId).ExecuteDeleteAsync(cancellationToken);
        directory.Changed(companyId, [webhookId]);
        return true;
    }

    private static EndpointAuthView View(EndpointAuthentication stored, EndpointSecrets secrets) => new(
        stored.Kind, stored.Username, EndpointAuthView.Masked(secrets.Password), EndpointAuthView.Masked(secrets.Token), stored.TokenUrl, stored.ClientId,
        EndpointAuthView.Masked(secrets.ClientSecret), stored.Scope,
        EndpointSecretBox.HeaderNamesOf(stored).Zip(secrets.HeaderValues, (name, value) => new HeaderView(name, EndpointAuthView.Masked(value))).ToList(),
        stored.ModifiedAt);
}
