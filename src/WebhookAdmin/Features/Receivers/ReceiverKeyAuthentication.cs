using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using WebhookAdmin.Api;
using WebhookAdmin.Core.Receivers;
using WebhookAdmin.Core.Storage;
using WebhookAdmin.Identity;

namespace WebhookAdmin.Features.Receivers;

/// <summary>
/// <c>Authorization: Bearer whrk_…</c>: a webhook's receiver key, accepted by the catch-up API only (its policy is the
/// one that names this scheme). The principal it makes carries the webhook and its company, and no admin role, so no
/// other endpoint lets it in. Any other bearer token is left to JwtBearer.
/// </summary>
public sealed class ReceiverKeyAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ReceiverKeys keys, IOptions<AuthenticationSettings> settings)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ReceiverKey";

    /// <summary>The one webhook whose deliveries the key reads.</summary>
    public const string WebhookClaim = "receiver_webhook";

    private const string StorageUnavailable = "WebhookAdmin.ReceiverKey.StorageUnavailable";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var authorization = Request.Headers.Authorization.ToString();
        if (!authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return AuthenticateResult.NoResult();
        var presented = authorization[7..].Trim();
        if (!presented.StartsWith(ReceiverKeys.Prefix, StringComparison.Ordinal))
            return AuthenticateResult.NoResult();
        ReceiverKeyHolder? holder;
        try
        {
            holder = await keys.AuthenticateAsync(presented, Context.RequestAborted);
        }
        catch (Exception e) when (StorageErrors.IsUnavailable(e) && !Context.RequestAborted.IsCancellationRequested)
        {
            // Not a wrong key: the challenge answers 503, as every API call does while the database is away.
            Context.Items[StorageUnavailable] = true;
            return AuthenticateResult.NoResult();
        }
        if (holder is null)
            return AuthenticateResult.Fail("The receiver key is not a current key of any webhook.");
        var identity = new ClaimsIdentity(
            [new Claim(WebhookClaim, holder.WebhookId), new Claim(settings.Value.CompanyClaim, holder.CompanyId), new Claim("sub", "receiver:" + holder.WebhookId)],
            SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (Context.Items.ContainsKey(StorageUnavailable))
        {
            await ApiProblems.StorageUnavailable(Response).ExecuteAsync(Context);
            return;
        }
        await base.HandleChallengeAsync(properties);
    }

    /// <summary>The webhook a receiver key holder may read; null for an admin's token.</summary>
    public static string? WebhookOf(ClaimsPrincipal user) => user.FindFirst(WebhookClaim)?.Value;
}
