namespace WebhookAdmin.Core.EndpointAuth;

/// <summary>A webhook's endpoint authentication in the clear, as the sender needs it; kept in memory only, with its delivery target.</summary>
public sealed record EndpointCredentials(
    string WebhookId, EndpointAuthKind Kind, string Username, string Password, string Token, string TokenUrl, string ClientId, string ClientSecret, string Scope,
    IReadOnlyList<KeyValuePair<string, string>> Headers)
{
    /// <summary>The <c>Authorization</c> value for Basic and Bearer; null for OAuth2 (its token is fetched) and none.</summary>
    public string? StaticAuthorization => Kind switch
    {
        EndpointAuthKind.Basic => "Basic " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{Username}:{Password}")),
        EndpointAuthKind.Bearer => "Bearer " + Token,
        _ => null,
    };

    /// <summary>Never the secrets, whatever logs or debuggers print.</summary>
    public override string ToString() => $"EndpointCredentials {{ WebhookId = {WebhookId}, Kind = {Kind}, Headers = {Headers.Count} }}";
}
