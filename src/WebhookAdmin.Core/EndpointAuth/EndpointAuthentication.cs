namespace WebhookAdmin.Core.EndpointAuth;

/// <summary>How a webhook's deliveries authenticate to its receiver, beyond the signature every delivery carries.</summary>
public enum EndpointAuthKind
{
    /// <summary>Only the signature (and any custom headers).</summary>
    None,

    /// <summary>HTTP Basic: a username and a password.</summary>
    Basic,

    /// <summary>A static <c>Authorization: Bearer</c> token.</summary>
    Bearer,

    /// <summary>OAuth2 client credentials: a token fetched from the token URL, cached until it expires.</summary>
    OAuth2,
}

/// <summary>
/// The stored form: what may be shown in the clear (kind, username, token URL, client id, scope, header names) in
/// columns, and every secret value (password, token, client secret, header values) in one blob protected with ASP.NET
/// Core Data Protection, whose keys every instance shares through the database.
/// </summary>
public sealed class EndpointAuthentication
{
    public required string WebhookId { get; init; }

    public EndpointAuthKind Kind { get; set; }

    public string Username { get; set; } = "";

    public string TokenUrl { get; set; } = "";

    public string ClientId { get; set; } = "";

    public string Scope { get; set; } = "";

    /// <summary>The custom headers' names, in order, as a JSON array (their values are in <see cref="ProtectedSecrets"/>).</summary>
    public string HeaderNames { get; set; } = "[]";

    /// <summary>The secret values as protected JSON (<see cref="EndpointSecrets"/>).</summary>
    public string ProtectedSecrets { get; set; } = "";

    public DateTime ModifiedAt { get; set; }
}

/// <summary>Every secret value of a webhook's endpoint authentication; only ever stored protected.</summary>
public sealed record EndpointSecrets(string Password, string Token, string ClientSecret, IReadOnlyList<string> HeaderValues)
{
    public static readonly EndpointSecrets None = new("", "", "", []);
}
