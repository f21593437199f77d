using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;

namespace WebhookAdmin.Identity;

public static class AccountEndpoints
{
    /// <summary>Sign-in and sign-out; interactive navigation cannot challenge, so pages send people here with a full load.</summary>
    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var account = endpoints.MapGroup("/account").AllowAnonymous();

        account.MapGet("/login", (string? returnUrl) =>
            TypedResults.Challenge(
                new AuthenticationProperties { RedirectUri = ReturnAddress.LocalOrHome(returnUrl) },
                [OpenIdConnectDefaults.AuthenticationScheme]));

        // A form post with the antiforgery token, so another site cannot sign an admin out.
        account.MapPost("/logout", () =>
            TypedResults.SignOut(
                new AuthenticationProperties { RedirectUri = "/" },
                [CookieAuthenticationDefaults.AuthenticationScheme, OpenIdConnectDefaults.AuthenticationScheme]))
            .WithMetadata(new RequireAntiforgeryTokenAttribute());

        return endpoints;
    }
}
