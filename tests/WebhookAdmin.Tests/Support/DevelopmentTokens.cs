using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace WebhookAdmin.Tests.Support;

/// <summary>A Bearer token from the development provider's client-credentials grant, as a company's platform gets one.</summary>
public static class DevelopmentTokens
{
    /// <summary>Gives <paramref name="client"/> (its base address the app's, or a balancer's in front of it) a token of the API client.</summary>
    public static async Task<HttpClient> AuthorizeAsync(HttpClient client, string clientId = "acme-platform", string clientSecret = "acme-platform-secret")
    {
        using var response = await client.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = clientId, ["client_secret"] = clientSecret, ["scope"] = "webhookadmin-api",
        }));
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", body.GetProperty("access_token").GetString());
        return client;
    }
}
