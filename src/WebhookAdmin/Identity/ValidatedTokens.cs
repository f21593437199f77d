using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.IdentityModel.Tokens;

namespace WebhookAdmin.Identity;

/// <summary>
/// Bearer tokens already validated, so that a platform sending the same token on every call is not checked again each
/// time: reading the token and verifying its RSA signature was about 40 % of a one-event publish's CPU (a profile of the
/// benchmark's POST events), and a platform keeps its token for its whole life. An entry lasts until the token expires
/// and at most <see cref="Term"/>, so a provider's key taken out of service stops being honoured within that term, as
/// it would with JwtBearer's own metadata refresh. Keyed by the token's SHA-256, never the token itself.
/// </summary>
public sealed class ValidatedTokens : IDisposable
{
    /// <summary>How long a validation is trusted at most.</summary>
    public static readonly TimeSpan Term = TimeSpan.FromMinutes(5);

    private const int MaxEntries = 10_000;

    private readonly MemoryCache _cache;
    private readonly TimeProvider _clock;

    public ValidatedTokens(TimeProvider clock)
    {
        _clock = clock;
        _cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = MaxEntries });
    }

    /// <summary>The JwtBearer events that read from and fill this cache.</summary>
    public JwtBearerEvents Events() => new()
    {
        OnMessageReceived = context =>
        {
            if (TokenOf(context.Request.Headers.Authorization.ToString()) is { } token && Find(token) is { } principal)
            {
                context.Principal = principal;
                context.Success();
            }
            return Task.CompletedTask;
        },
        OnTokenValidated = context =>
        {
            if (TokenOf(context.Request.Headers.Authorization.ToString()) is { } token && context.Principal is { } principal)
                Remember(token, principal, context.SecurityToken.ValidTo);
            return Task.CompletedTask;
        },
    };

    /// <summary>A copy of the principal validated for <paramref name="token"/>, if it is held and the token has not expired.</summary>
    public ClaimsPrincipal? Find(string token) =>
        _cache.TryGetValue(KeyOf(token), out Entry? entry) && entry is not null && _clock.GetUtcNow() < entry.Until
            ? Copy(entry.Principal)
            : null;

    public void Remember(string token, ClaimsPrincipal principal, DateTime validTo)
    {
        var now = _clock.GetUtcNow();
        // A token without an expiry (ValidTo is MinValue) is kept for the term; one about to expire is not worth keeping.
        var expires = validTo == DateTime.MinValue ? now + Term : new DateTimeOffset(DateTime.SpecifyKind(validTo, DateTimeKind.Utc));
        var until = expires < now + Term ? expires : now + Term;
        if (until <= now)
            return;
        _cache.Set(KeyOf(token), new Entry(Copy(principal), until), new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = until - now });
    }

    /// <summary>ClaimsPrincipal.Clone shares its identities; a request adding a claim must not add it to the next one's.</summary>
    private static ClaimsPrincipal Copy(ClaimsPrincipal principal) => new(principal.Identities.Select(identity => identity.Clone()));

    /// <summary>The token of an <c>Authorization: Bearer …</c> header, as JwtBearer reads it.</summary>
    private static string? TokenOf(string authorization) =>
        authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && authorization[7..].Trim() is { Length: > 0 } token ? token : null;

    private static string KeyOf(string token)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(token), hash);
        return Base64UrlEncoder.Encode(hash.ToArray());
    }

    public void Dispose() => _cache.Dispose();

    private sealed record Entry(ClaimsPrincipal Principal, DateTimeOffset Until);
}
