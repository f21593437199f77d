using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using WebhookAdmin.Identity.EmbeddedProvider;

namespace WebhookAdmin.Identity;

public static class AuthenticationSetup
{
    /// <summary>
    /// People sign in to the admin UI with OpenID Connect (code + PKCE) into a cookie; the API takes Bearer access
    /// tokens from the same issuer. Both work against the embedded development provider or any standard one.
    /// </summary>
    public static WebApplicationBuilder AddAdminAuthentication(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(AuthenticationSettings.Section);
        builder.Services.Configure<AuthenticationSettings>(section);
        var settings = section.Get<AuthenticationSettings>() ?? new AuthenticationSettings();
        var authority = ResolveAuthority(builder.Configuration, settings)
            ?? throw new InvalidOperationException(
                "Authentication:Authority is not set and the embedded development identity provider is off. " +
                "Set Authentication:Authority (and ClientId/ClientSecret) to your OpenID Connect provider.");
        // Plain-http issuers are fine on a developer's machine, never in production.
        var requireHttpsMetadata = !builder.Environment.IsDevelopment();

        builder.Services.AddSingleton<CompanyIdentity>();
        builder.Services.AddSingleton<ValidatedTokens>();
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<ValidatedTokens>((options, tokens) => options.Events = tokens.Events());
        builder.Services.AddCascadingAuthenticationState();
        builder.Services.AddAuthorization(options => AdminPolicies.Add(options, settings));
        builder.Services
            .AddAuthentication(options =>
            {
                options.DefaultScheme = CookieAuthenticationDefaults.AuthenticationScheme;
                options.DefaultChallengeScheme = OpenIdConnectDefaults.AuthenticationScheme;
            })
            .AddCookie(options =>
            {
                options.Cookie.Name = ".WebhookAdmin.Session";
                options.Cookie.SameSite = SameSiteMode.Lax;
                options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                options.ExpireTimeSpan = TimeSpan.FromHours(8);
                options.SlidingExpiration = true;
                options.AccessDeniedPath = "/account/access-denied";
            })
            .AddOpenIdConnect(options =>
            {
                options.Authority = authority;
                options.ClientId = settings.ClientId;
                options.ClientSecret = string.IsNullOrEmpty(settings.ClientSecret) ? null : settings.ClientSecret;
                options.ResponseType = "code";
                options.UsePkce = true;
                options.RequireHttpsMetadata = requireHttpsMetadata;
                options.MapInboundClaims = false;
                // Only the id token is kept (in the session cookie, see OnTokenValidated), not every token SaveTokens would store.
                options.SaveTokens = false;
                options.GetClaimsFromUserInfoEndpoint = settings.GetClaimsFromUserInfoEndpoint;
                options.Scope.Clear();
                foreach (var scope in settings.Scopes)
                    options.Scope.Add(scope);
                options.TokenValidationParameters.NameClaimType = "name";
                options.TokenValidationParameters.RoleClaimType = settings.RoleClaim;
                // Plain http in development: the correlation and nonce cookies must survive the cross-site redirect back.
                options.CorrelationCookie.SameSite = SameSiteMode.Lax;
                options.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                options.NonceCookie.SameSite = SameSiteMode.Lax;
                options.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                options.SignedOutRedirectUri = "/";
                options.Events.OnTokenValidated = KeepIdTokenForSignOut;
                options.Events.OnRedirectToIdentityProvider = context =>
                {
                    KeepEmbeddedProviderOnPublicOrigin(context, settings);
                    return Task.CompletedTask;
                };
                options.Events.OnRedirectToIdentityProviderForSignOut = context =>
                {
                    KeepEmbeddedProviderOnPublicOrigin(context, settings);
                    // RP-Initiated Logout: a provider redirects back to /signout-callback-oidc only when it can tell which
                    // client asks. The handler adds id_token_hint (from the cookie) but not client_id.
                    context.ProtocolMessage.ClientId ??= context.Options.ClientId;
                    return Task.CompletedTask;
                };
            })
            .AddJwtBearer(options =>
            {
                options.Authority = authority;
                options.Audience = settings.Audience;
                options.RequireHttpsMetadata = requireHttpsMetadata;
                options.MapInboundClaims = false;
                options.TokenValidationParameters.NameClaimType = "name";
                options.TokenValidationParameters.RoleClaimType = settings.RoleClaim;
            })
            .AddScheme<AuthenticationSchemeOptions, Features.Receivers.ReceiverKeyAuthentication>(Features.Receivers.ReceiverKeyAuthentication.SchemeName, null);

        if (settings.EmbeddedProvider.Enabled)
            builder.AddEmbeddedIdentityProvider(new Uri(authority + "/"), settings);
        return builder;
    }

    /// <summary>
    /// Keeps the id token in the session so sign-out can send it as <c>id_token_hint</c>: without it, a standard provider
    /// (RP-Initiated Logout) must not redirect back to the app and leaves the admin on its own page.
    /// </summary>
    internal static Task KeepIdTokenForSignOut(Microsoft.AspNetCore.Authentication.OpenIdConnect.TokenValidatedContext context)
    {
        if (context.TokenEndpointResponse?.IdToken is { Length: > 0 } idToken)
            context.Properties!.StoreTokens([new AuthenticationToken { Name = OpenIdConnectParameterNames.IdToken, Value = idToken }]);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Behind a load balancer, the browser is sent to the development provider at the address it used (a listed public
    /// origin, which reaches this same instance: the balancer is sticky), not at the instance's own address, which it may
    /// not reach and should not see. Any other address keeps the provider's own.
    /// </summary>
    internal static void KeepEmbeddedProviderOnPublicOrigin(RedirectContext context, AuthenticationSettings settings)
    {
        if (!settings.EmbeddedProvider.Enabled
            || !Uri.TryCreate($"{context.Request.Scheme}://{context.Request.Host}/", UriKind.Absolute, out var used)
            || !settings.EmbeddedProvider.PublicOrigins.Any(listed => Uri.TryCreate(listed, UriKind.Absolute, out var origin)
                && Uri.Compare(origin, used, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0)
            || !Uri.TryCreate(context.ProtocolMessage.IssuerAddress, UriKind.Absolute, out var endpoint))
            return;
        context.ProtocolMessage.IssuerAddress = new Uri(used, endpoint.PathAndQuery).ToString();
    }

    /// <summary>The configured issuer, or this app's own first address when it hosts the embedded provider.</summary>
    internal static string? ResolveAuthority(IConfiguration configuration, AuthenticationSettings settings)
    {
        if (!string.IsNullOrWhiteSpace(settings.Authority))
            return settings.Authority.TrimEnd('/');
        if (!settings.EmbeddedProvider.Enabled)
            return null;
        var firstUrl = (configuration["urls"] ?? "http://localhost:5080").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[0];
        // Wildcard bindings name no host a browser can reach; the machine itself is reachable as localhost.
        var reachable = firstUrl.Replace("://*", "://localhost").Replace("://+", "://localhost")
            .Replace("://0.0.0.0", "://localhost").Replace("://[::]", "://localhost");
        return reachable.TrimEnd('/');
    }
}
