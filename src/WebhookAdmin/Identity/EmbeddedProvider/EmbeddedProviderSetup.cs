using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace WebhookAdmin.Identity.EmbeddedProvider;

/// <summary>
/// A small OpenID Connect provider inside the app (OpenIddict) so a fresh clone signs in with no other service.
/// Development only: users, passwords and API clients come from configuration, keys are ephemeral.
/// </summary>
public static class EmbeddedProviderSetup
{
    public const string LoginScheme = "EmbeddedProvider.Login";
    public const string ApiScope = "webhookadmin-api";

    internal static void AddEmbeddedIdentityProvider(this WebApplicationBuilder builder, Uri issuer, AuthenticationSettings settings)
    {
        // The provider's own state (clients, codes) lives in memory: its keys die with the process anyway.
        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = "embedded-provider-" + Guid.NewGuid().ToString("N"),
            Mode = SqliteOpenMode.Memory,
            Cache = SqliteCacheMode.Shared,
        }.ToString();
        builder.Services.AddSingleton(new InMemoryDatabaseKeeper(connectionString));
        builder.Services.AddDbContext<EmbeddedProviderDbContext>(options =>
        {
            options.UseSqlite(connectionString);
            options.UseOpenIddict();
        });

        builder.Services.AddAuthentication()
            .AddCookie(LoginScheme, options =>
            {
                options.Cookie.Name = ".WebhookAdmin.DevProvider";
                options.Cookie.SameSite = SameSiteMode.Lax;
                options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                options.LoginPath = EmbeddedProviderEndpoints.LoginPath;
            });

        builder.Services.AddOpenIddict()
            .AddCore(options => options.UseEntityFrameworkCore().UseDbContext<EmbeddedProviderDbContext>())
            .AddServer(options =>
            {
                options.SetIssuer(issuer);
                options.SetAuthorizationEndpointUris(EmbeddedProviderEndpoints.AuthorizePath[1..])
                    .SetTokenEndpointUris(EmbeddedProviderEndpoints.TokenPath[1..])
                    .SetEndSessionEndpointUris(EmbeddedProviderEndpoints.EndSessionPath[1..]);
                options.AllowAuthorizationCodeFlow().RequireProofKeyForCodeExchange();
                options.AllowClientCredentialsFlow();
                options.RegisterScopes(Scopes.OpenId, Scopes.Profile, Scopes.Email, ApiScope);
                options.AddEphemeralEncryptionKey().AddEphemeralSigningKey();
                // Standard JWT access tokens, so the API validates them exactly as it would any provider's.
                options.DisableAccessTokenEncryption();
                options.UseAspNetCore()
                    .EnableAuthorizationEndpointPassthrough()
                    .EnableTokenEndpointPassthrough()
                    .EnableEndSessionEndpointPassthrough()
                    .DisableTransportSecurityRequirement();
            });

        builder.Services.AddSingleton(new EmbeddedProviderDirectory(settings));
    }

    /// <summary>Creates the provider's tables and registers the admin UI and the API clients from configuration.</summary>
    public static async Task SeedEmbeddedProviderAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        if (services.GetService<EmbeddedProviderDirectory>() is not { } directory)
            return;
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<EmbeddedProviderDbContext>();
        await db.Database.EnsureCreatedAsync(cancellationToken);
        var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
        var issuer = scope.ServiceProvider.GetRequiredService<Microsoft.Extensions.Options.IOptions<OpenIddict.Server.OpenIddictServerOptions>>().Value.Issuer!;

        if (await applications.FindByClientIdAsync(directory.Settings.ClientId, cancellationToken) is null)
            await applications.CreateAsync(AdminUiClient(directory.Settings, issuer), cancellationToken);

        foreach (var (client, _) in directory.ApiClients)
        {
            if (await applications.FindByClientIdAsync(client.ClientId, cancellationToken) is not null)
                continue;
            await applications.CreateAsync(new OpenIddictApplicationDescriptor
            {
                ClientId = client.ClientId,
                ClientSecret = client.ClientSecret,
                ClientType = ClientTypes.Confidential,
                DisplayName = client.ClientId,
                Permissions =
                {
                    Permissions.Endpoints.Token,
                    Permissions.GrantTypes.ClientCredentials,
                    Permissions.Prefixes.Scope + ApiScope,
                },
            }, cancellationToken);
        }
    }

    private static OpenIddictApplicationDescriptor AdminUiClient(AuthenticationSettings settings, Uri issuer)
    {
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = settings.ClientId,
            ClientSecret = settings.ClientSecret,
            ClientType = string.IsNullOrEmpty(settings.ClientSecret) ? ClientTypes.Public : ClientTypes.Confidential,
            ConsentType = ConsentTypes.Implicit,
            DisplayName = "WebhookAdmin",
            Permissions =
            {
                Permissions.Endpoints.Authorization,
                Permissions.Endpoints.Token,
                Permissions.Endpoints.EndSession,
                Permissions.GrantTypes.AuthorizationCode,
                Permissions.ResponseTypes.Code,
                Permissions.Scopes.Profile,
                Permissions.Scopes.Email,
            },
            Requirements = { Requirements.Features.ProofKeyForCodeExchange },
        };
        // The browser may reach the app as localhost or 127.0.0.1 (both are this machine), or through a load balancer.
        foreach (var origin in LoopbackTwins(issuer).Concat(settings.EmbeddedProvider.PublicOrigins.SelectMany(o => LoopbackTwins(new Uri(o.TrimEnd('/') + "/")))))
        {
            descriptor.RedirectUris.Add(new Uri(origin, "signin-oidc"));
            descriptor.PostLogoutRedirectUris.Add(new Uri(origin, "signout-callback-oidc"));
        }
        return descriptor;
    }

    private static IEnumerable<Uri> LoopbackTwins(Uri issuer)
    {
        yield return issuer;
        var twinHost = issuer.Host switch { "localhost" => "127.0.0.1", "127.0.0.1" => "localhost", _ => null };
        if (twinHost is not null)
            yield return new UriBuilder(issuer) { Host = twinHost }.Uri;
    }

    /// <summary>An in-memory SQLite database lives while one connection to it is open.</summary>
    internal sealed class InMemoryDatabaseKeeper : IDisposable
    {
        private readonly SqliteConnection _connection;

        public InMemoryDatabaseKeeper(string connectionString)
        {
            _connection = new SqliteConnection(connectionString);
            _connection.Open();
        }

        public void Dispose() => _connection.Dispose();
    }
}

public sealed class EmbeddedProviderDbContext(DbContextOptions<EmbeddedProviderDbContext> options) : DbContext(options);
