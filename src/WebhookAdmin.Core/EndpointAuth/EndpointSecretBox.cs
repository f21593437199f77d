using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;

namespace WebhookAdmin.Core.EndpointAuth;

/// <summary>
/// Protects and unprotects endpoint secrets with ASP.NET Core Data Protection (keys shared by every instance through the
/// database), for the settings (which never show them) and the delivery targets (which send them).
/// </summary>
public sealed class EndpointSecretBox(IDataProtectionProvider protection)
{
    /// <summary>The purpose string: a key protecting these values protects nothing else, and the reverse.</summary>
    private const string Purpose = "WebhookAdmin.EndpointAuth.v1";

    private readonly IDataProtector _protector = protection.CreateProtector(Purpose);

    public string Protect(EndpointSecrets secrets) => _protector.Protect(JsonSerializer.Serialize(secrets));

    public EndpointSecrets Unprotect(EndpointAuthentication stored) =>
        stored.ProtectedSecrets.Length == 0 ? EndpointSecrets.None
            : JsonSerializer.Deserialize<EndpointSecrets>(_protector.Unprotect(stored.ProtectedSecrets)) ?? EndpointSecrets.None;

    public static List<string> HeaderNamesOf(EndpointAuthentication? stored) =>
        stored is null ? [] : JsonSerializer.Deserialize<List<string>>(stored.HeaderNames) ?? [];

    /// <summary>What a delivery sends, in the clear; null when the webhook has nothing configured.</summary>
    public EndpointCredentials? CredentialsOf(EndpointAuthentication? stored)
    {
        if (stored is null)
            return null;
        var secrets = Unprotect(stored);
        return new EndpointCredentials(stored.WebhookId, stored.Kind, stored.Username, secrets.Password, secrets.Token, stored.TokenUrl, stored.ClientId,
            secrets.ClientSecret, stored.Scope,
            HeaderNamesOf(stored).Zip(secrets.HeaderValues, (name, value) => new KeyValuePair<string, string>(name, value)).ToList());
    }
}
