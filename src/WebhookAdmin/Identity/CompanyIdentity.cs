using System.Security.Claims;
using Microsoft.Extensions.Options;

namespace WebhookAdmin.Identity;

/// <summary>Reads who is calling and for which company from a principal, with the claim names configured for the provider.</summary>
public sealed class CompanyIdentity(IOptions<AuthenticationSettings> settings)
{
    /// <summary>The caller's company; only called behind the admin policies, which guarantee the claim is there.</summary>
    public string CompanyOf(ClaimsPrincipal user) =>
        user.FindFirst(settings.Value.CompanyClaim)?.Value
        ?? throw new InvalidOperationException($"The signed-in principal has no '{settings.Value.CompanyClaim}' claim.");

    /// <summary>The caller's company, or null when the principal carries none (an anonymous request).</summary>
    public string? CompanyOrNull(ClaimsPrincipal user) => user.FindFirst(settings.Value.CompanyClaim)?.Value;

    /// <summary>The subject claim: who the caller is at the identity provider, whatever their name or email becomes.</summary>
    public const string SubjectClaim = "sub";

    public static string DisplayNameOf(ClaimsPrincipal user) =>
        user.FindFirst("name")?.Value ?? user.FindFirst("email")?.Value ?? UserIdOf(user) ?? "admin";

    public static string? UserIdOf(ClaimsPrincipal user) => user.FindFirst(SubjectClaim)?.Value;
}
