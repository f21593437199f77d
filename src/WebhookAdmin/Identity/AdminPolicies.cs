using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;

namespace WebhookAdmin.Identity;

public static class AdminPolicies
{
    /// <summary>A signed-in admin of some company, through the admin UI's cookie.</summary>
    public const string Admin = "Admin";

    /// <summary>The same, through a Bearer access token on the API.</summary>
    public const string ApiAdmin = "ApiAdmin";

    /// <summary>
    /// An admin's Bearer token, or a webhook's receiver key (<see cref="Features.Receivers.ReceiverKeyAuthentication"/>):
    /// only the catch-up API, where the endpoint keeps a key to its own webhook.
    /// </summary>
    public const string ApiAdminOrReceiver = "ApiAdminOrReceiver";

    internal static void Add(AuthorizationOptions options, AuthenticationSettings settings)
    {
        options.AddPolicy(Admin, policy => Require(policy, settings));
        options.AddPolicy(ApiAdmin, policy => Require(policy.AddAuthenticationSchemes(JwtBearerDefaults.AuthenticationScheme), settings));
        // The receiver key's scheme last: its challenge answers 503 instead of 401 when the database could not check the key.
        options.AddPolicy(ApiAdminOrReceiver, policy => policy
            .AddAuthenticationSchemes(JwtBearerDefaults.AuthenticationScheme, Features.Receivers.ReceiverKeyAuthentication.SchemeName)
            .RequireAuthenticatedUser()
            .RequireAssertion(context => IsAdmin(context.User, settings) || Features.Receivers.ReceiverKeyAuthentication.WebhookOf(context.User) is not null));
        // Anything not marked otherwise needs an admin: a forgotten attribute fails closed.
        options.FallbackPolicy = options.GetPolicy(Admin);
    }

    private static void Require(AuthorizationPolicyBuilder policy, AuthenticationSettings settings) =>
        policy.RequireAuthenticatedUser()
            .RequireAssertion(context => IsAdmin(context.User, settings));

    public static bool IsAdmin(ClaimsPrincipal user, AuthenticationSettings settings) =>
        user.HasClaim(settings.RoleClaim, settings.AdminRole)
        && !string.IsNullOrEmpty(user.FindFirst(settings.CompanyClaim)?.Value);
}
