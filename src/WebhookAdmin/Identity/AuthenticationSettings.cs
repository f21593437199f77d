namespace WebhookAdmin.Identity;

/// <summary>The <c>Authentication</c> section: which OpenID Connect provider signs admins in and how its tokens name things.</summary>
public sealed class AuthenticationSettings
{
    public const string Section = "Authentication";

    /// <summary>The issuer URL. Empty with the embedded provider on means "this app itself".</summary>
    public string? Authority { get; set; }

    public string ClientId { get; set; } = "webhookadmin-ui";
    public string? ClientSecret { get; set; }

    /// <summary>The audience API access tokens must carry.</summary>
    public string Audience { get; set; } = "webhookadmin-api";

    public string[] Scopes { get; set; } = ["openid", "profile", "email"];

    /// <summary>The claim holding the admin's company id; providers differ, so it is configurable.</summary>
    public string CompanyClaim { get; set; } = "company";

    public string RoleClaim { get; set; } = "role";
    public string AdminRole { get; set; } = "admin";

    /// <summary>Ask the provider's userinfo endpoint for claims the id token lacks (some providers keep custom claims there).</summary>
    public bool GetClaimsFromUserInfoEndpoint { get; set; }

    public EmbeddedProviderSettings EmbeddedProvider { get; set; } = new();
}

/// <summary>The development identity provider hosted inside the app, with its companies, people and API clients.</summary>
public sealed class EmbeddedProviderSettings
{
    public bool Enabled { get; set; }

    /// <summary>
    /// Other addresses the browser reaches the app at (a load balancer in front of several instances, e.g.
    /// <c>http://localhost:8080</c>): the provider accepts them as sign-in and sign-out return addresses too.
    /// </summary>
    public List<string> PublicOrigins { get; set; } = [];

    public List<DevCompany> Companies { get; set; } = [];
}

public sealed class DevCompany
{
    public string Id { get; set; } = "";
    public string Name { get; set; } = "";
    public List<DevUser> Users { get; set; } = [];
    public List<DevApiClient> ApiClients { get; set; } = [];
}

public sealed class DevUser
{
    public string Email { get; set; } = "";
    public string Password { get; set; } = "";
    public string Name { get; set; } = "";
    public string Role { get; set; } = "admin";
}

public sealed class DevApiClient
{
    public string ClientId { get; set; } = "";
    public string ClientSecret { get; set; } = "";
}
