using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace WebhookAdmin.Identity.EmbeddedProvider;

/// <summary>The embedded provider's pages and protocol endpoints (OpenIddict validates the requests before they get here).</summary>
public static class EmbeddedProviderEndpoints
{
    public const string LoginPath = "/connect/login";
    public const string AuthorizePath = "/connect/authorize";
    public const string TokenPath = "/connect/token";
    public const string EndSessionPath = "/connect/logout";

    public static IEndpointRouteBuilder MapEmbeddedIdentityProvider(this IEndpointRouteBuilder endpoints)
    {
        if (endpoints.ServiceProvider.GetService<EmbeddedProviderDirectory>() is null)
            return endpoints;
        var connect = endpoints.MapGroup("/connect").AllowAnonymous().ExcludeFromDescription();
        connect.MapGet("/login", ShowLogin);
        connect.MapPost("/login", SignIn);
        connect.MapMethods("/authorize", [HttpMethods.Get, HttpMethods.Post], (Delegate)Authorize).DisableAntiforgery();
        connect.MapPost("/token", (Delegate)IssueToken).DisableAntiforgery();
        connect.MapMethods("/logout", [HttpMethods.Get, HttpMethods.Post], (Delegate)EndSession).DisableAntiforgery();
        return endpoints;
    }

    private static IResult ShowLogin(HttpContext http, IAntiforgery antiforgery, IStringLocalizer<IdentityText> text, string? returnUrl) =>
        LoginPage.Render(text, antiforgery.GetAndStoreTokens(http), ProtocolReturnUrl(returnUrl), email: null, error: null);

    private static async Task<IResult> SignIn(
        HttpContext http, IAntiforgery antiforgery, EmbeddedProviderDirectory directory, IStringLocalizer<IdentityText> text,
        [FromForm] string? email, [FromForm] string? password, [FromForm] string? returnUrl)
    {
        var safeReturnUrl = ProtocolReturnUrl(returnUrl);
        if (directory.FindByCredentials(email, password) is not { } found)
            return LoginPage.Render(text, antiforgery.GetAndStoreTokens(http), safeReturnUrl, email, text["WrongCredentials"], HttpStatusCode.Unauthorized);

        var identity = new ClaimsIdentity(EmbeddedProviderSetup.LoginScheme, Claims.Name, Claims.Role);
        identity.AddClaim(new Claim(Claims.Subject, found.User.Email));
        identity.AddClaim(new Claim(Claims.Email, found.User.Email));
        await http.SignInAsync(EmbeddedProviderSetup.LoginScheme, new ClaimsPrincipal(identity));
        return TypedResults.LocalRedirect(safeReturnUrl);
    }

    private static async Task<IResult> Authorize(HttpContext http, EmbeddedProviderDirectory directory)
    {
        var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenID Connect request.");
        var login = await http.AuthenticateAsync(EmbeddedProviderSetup.LoginScheme);
        var email = login.Principal?.FindFirst(Claims.Email)?.Value;
        if (!login.Succeeded || directory.FindByEmail(email) is not { } found)
        {
            return TypedResults.Challenge(
                new AuthenticationProperties { RedirectUri = http.Request.PathBase + http.Request.Path + QueryString.Create(http.Request.HasFormContentType ? [.. http.Request.Form] : [.. http.Request.Query]) },
                [EmbeddedProviderSetup.LoginScheme]);
        }

        var identity = NewIdentity();
        identity.SetClaim(Claims.Subject, found.User.Email)
            .SetClaim(Claims.Name, found.User.Name)
            .SetClaim(Claims.Email, found.User.Email)
            .SetClaim(directory.Settings.CompanyClaim, found.Company.Id)
            .SetClaim(directory.Settings.RoleClaim, found.User.Role);
        identity.SetScopes(request.GetScopes());
        identity.SetDestinations(static _ => [Destinations.AccessToken, Destinations.IdentityToken]);
        return TypedResults.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private static async Task<IResult> IssueToken(HttpContext http, EmbeddedProviderDirectory directory)
    {
        var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenID Connect request.");
        if (request.IsAuthorizationCodeGrantType())
        {
            var code = await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
            return TypedResults.SignIn(code.Principal!, authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        }

        if (request.IsClientCredentialsGrantType() && directory.CompanyOfClient(request.ClientId) is { } company)
        {
            // An API client acts as an admin of the one company it was registered for.
            var identity = NewIdentity();
            identity.SetClaim(Claims.Subject, request.ClientId)
                .SetClaim(Claims.Name, request.ClientId)
                .SetClaim(directory.Settings.CompanyClaim, company.Id)
                .SetClaim(directory.Settings.RoleClaim, directory.Settings.AdminRole);
            identity.SetScopes(request.GetScopes());
            identity.SetResources(directory.Settings.Audience);
            identity.SetDestinations(static _ => [Destinations.AccessToken]);
            return TypedResults.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        }

        return TypedResults.Forbid(
            new AuthenticationProperties(new Dictionary<string, string?>
            {
                [OpenIddictServerAspNetCoreConstants.Properties.Error] = Errors.UnsupportedGrantType,
                [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = "Only authorization_code and client_credentials are supported.",
            }),
            [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
    }

    private static async Task<IResult> EndSession(HttpContext http)
    {
        await http.SignOutAsync(EmbeddedProviderSetup.LoginScheme);
        return TypedResults.SignOut(new AuthenticationProperties { RedirectUri = "/" }, [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
    }

    private static ClaimsIdentity NewIdentity() =>
        new(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);

    /// <summary>The login form only ever sends people back into the authorization endpoint, never elsewhere.</summary>
    private static string ProtocolReturnUrl(string? returnUrl) =>
        returnUrl is not null && returnUrl.StartsWith(AuthorizePath + "?", StringComparison.Ordinal) ? ReturnAddress.LocalOrHome(returnUrl) : "/";
}
