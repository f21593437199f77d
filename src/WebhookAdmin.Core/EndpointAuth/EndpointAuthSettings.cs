namespace WebhookAdmin.Core.EndpointAuth;

/// <summary>
/// What an admin sends: the whole configuration. A secret left null keeps the stored one (values are write-only: they
/// are never shown back, so an editor cannot send them again); an empty string clears it.
/// </summary>
public sealed record EndpointAuthSettings(
    EndpointAuthKind Kind,
    string? Username = null,
    string? Password = null,
    string? Token = null,
    string? TokenUrl = null,
    string? ClientId = null,
    string? ClientSecret = null,
    string? Scope = null,
    IReadOnlyList<HeaderSetting>? Headers = null);

/// <param name="Value">Null keeps the value stored for a header of the same name.</param>
public sealed record HeaderSetting(string Name, string? Value);

/// <summary>
/// What is shown back: the settings in the clear, and each secret masked (<see cref="Masked"/>), or empty when not set.
/// </summary>
public sealed record EndpointAuthView(
    EndpointAuthKind Kind, string Username, string Password, string Token, string TokenUrl, string ClientId, string ClientSecret, string Scope,
    IReadOnlyList<HeaderView> Headers, DateTime? ModifiedAt)
{
    public static readonly EndpointAuthView Nothing = new(EndpointAuthKind.None, "", "", "", "", "", "", "", [], null);

    /// <summary>
    /// A stored secret as shown: dots, and the last four characters when it is long enough (16 or more) for four to
    /// give nothing away, so an admin can tell which value is stored.
    /// </summary>
    public static string Masked(string secret) =>
        secret.Length == 0 ? "" : secret.Length >= 16 ? "••••" + secret[^4..] : "••••••••";
}

public sealed record HeaderView(string Name, string Value);
