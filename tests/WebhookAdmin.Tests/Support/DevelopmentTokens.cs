using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace WebhookAdmin.Tests.Support;

/// <summary>A Bearer token from the development provider's client-credentials grant, as a company's platform gets one.</summary>
public static class DevelopmentTokens
{
    /// <summary>A token of the API client from the provider at <paramref name="client"/>'s base address (the app's, or a balancer's in front of it).</summary>
    public static async Task<string> AccessTokenAsync(HttpClient client, string clientId = "acme-platform", string clientSecret = "acme-platform-secret",
        string scope = "webhookadmin-api")
    {
        using var response = await client.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = clientId, ["client_secret"] = clientSecret, ["scope"] = scope,
        }));
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        if (response.StatusCode != HttpStatusCode.OK)
            throw new InvalidOperationException($"Token request failed ({(int)response.StatusCode}): {body}");
        return body.GetProperty("access_token").GetString()!;
    }

    /// <summary>Gives <paramref name="client"/> a token of the API client, for every request it makes.</summary>
    public static async Task<HttpClient> AuthorizeAsync(HttpClient client, string clientId = "acme-platform", string clientSecret = "acme-platform-secret")
    {
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await AccessTokenAsync(client, clientId, clientSecret));
        return client;
    }
}
