using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;
using WebhookAdmin.Core.Delivery;

namespace WebhookAdmin.Core.EndpointAuth;

/// <summary>
/// OAuth2 client-credentials tokens for receivers that want them: fetched from the webhook's token URL through the
/// delivery client (so the same SSRF guard applies, and the attempt's timeout), kept until shortly before they expire,
/// and dropped when a receiver answers 401 to one.
/// </summary>
public sealed class OAuthTokens(IHttpClientFactory clients, TimeProvider clock)
{
    /// <summary>A token is used until this long before it expires, so it does not run out on its way.</summary>
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(30);

    private const int MaxResponseBytes = 64 * 1024;

    private readonly ConcurrentDictionary<string, CachedToken> _tokens = new(StringComparer.Ordinal);

    /// <summary>A valid token, and whether it was fetched just now (a 401 to a cached one is worth one fetch and resend).</summary>
    /// <exception cref="OAuthTokenException">The token URL could not be reached or did not answer a token.</exception>
    public async Task<(string Token, bool Fresh)> GetAsync(EndpointCredentials credentials, CancellationToken cancellationToken)
    {
        var key = KeyOf(credentials);
        if (_tokens.TryGetValue(key, out var cached) && cached.UsableUntil > clock.GetUtcNow())
            return (cached.Token, false);
        var fetched = await FetchAsync(credentials, cancellationToken);
        _tokens[key] = fetched;
        return (fetched.Token, true);
    }

    /// <summary>Forgets the token the receiver refused, so the next attempt fetches another.</summary>
    public void Invalidate(EndpointCredentials credentials, string token)
    {
        var key = KeyOf(credentials);
        if (_tokens.TryGetValue(key, out var cached) && cached.Token == token)
            _tokens.TryRemove(new KeyValuePair<string, CachedToken>(key, cached));
    }

    private async Task<CachedToken> FetchAsync(EndpointCredentials credentials, CancellationToken cancellationToken)
    {
        var form = new List<KeyValuePair<string, string>>
        {
            new("grant_type", "client_credentials"),
            new("client_id", credentials.ClientId),
            new("client_secret", credentials.ClientSecret),
        };
        if (credentials.Scope.Length > 0)
            form.Add(new("scope", credentials.Scope));
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, credentials.TokenUrl) { Content = new FormUrlEncodedContent(form) };
            request.Headers.Accept.ParseAdd("application/json");
            using var response = await clients.CreateClient(WebhookSender.ClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            var text = await WebhookSender.ReadBoundedAsync(response.Content, MaxResponseBytes, cancellationToken);
            if (!response.IsSuccessStatusCode)
                throw new OAuthTokenException($"oauth2: the token URL answered {(int)response.StatusCode}: {Shorten(text)}");
            var answer = System.Text.Json.JsonSerializer.Deserialize<TokenAnswer>(text);
            if (answer?.AccessToken is not { Length: > 0 } token)
                throw new OAuthTokenException($"oauth2: the token URL's answer holds no access_token: {Shorten(text)}");
            var lifetime = TimeSpan.FromSeconds(answer.ExpiresIn is > 0 and var seconds ? seconds : 3600);
            return new CachedToken(token, clock.GetUtcNow() + lifetime - (lifetime > Margin * 2 ? Margin : TimeSpan.Zero));
        }
        catch (HttpRequestException e)
        {
            throw new OAuthTokenException($"oauth2: the token request failed: {e.InnerException?.Message ?? e.Message}", e);
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new OAuthTokenException($"oauth2: the token URL's answer is not JSON: {e.Message}", e);
        }
    }

    private static string Shorten(string text) => text.Length > 200 ? text[..200] + "…" : text;

    /// <summary>One token per webhook and configuration: changing the client secret or scope fetches a new one.</summary>
    private static string KeyOf(EndpointCredentials credentials) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(
            string.Join('\n', credentials.WebhookId, credentials.TokenUrl, credentials.ClientId, credentials.ClientSecret, credentials.Scope))));

    private sealed record CachedToken(string Token, DateTimeOffset UsableUntil);

    private sealed record TokenAnswer(
        [property: JsonPropertyName("access_token")] string? AccessToken,
        [property: JsonPropertyName("expires_in")] long? ExpiresIn);
}

/// <summary>Why no token could be had: recorded as the attempt's transport error, so the admin reads it in the Logs tab.</summary>
public sealed class OAuthTokenException(string message, Exception? inner = null) : Exception(message, inner);
