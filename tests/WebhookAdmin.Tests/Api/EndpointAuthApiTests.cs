using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using WebhookAdmin.Tests.Support;

namespace WebhookAdmin.Tests.Api;

/// <summary><c>GET/PUT/DELETE subscription/{id}/authentication</c>: secrets write-only and masked, bad input named, other companies kept out.</summary>
public sealed class EndpointAuthApiTests(EndpointAuthApiTests.NoInternalNetworks app) : IClassFixture<EndpointAuthApiTests.NoInternalNetworks>
{
    private const string Subscriptions = "/api/v3/webhook/subscription";

    /// <summary>As in production: deliveries, and so token URLs, may not reach internal addresses.</summary>
    public sealed class NoInternalNetworks : TestApp
    {
        protected override IEnumerable<string> ExtraArguments => ["--Webhooks:Delivery:AllowPrivateNetworks=false"];
    }

    [Fact]
    public async Task Secrets_are_shown_masked_and_a_secret_left_out_keeps_the_stored_one()
    {
        using var acme = await app.ApiClientAsync();
        var id = await WebhookApiTests.CreateAsync(acme, "Authenticated");

        using var put = await acme.PutAsJsonAsync($"{Subscriptions}/{id}/authentication", new
        {
            kind = "basic", username = "crm", password = "a-long-password-1234",
            headers = new object[] { new { name = "X-Api-Key", value = "short" }, new { name = "X-Tenant", value = "tenant-value-abcdefgh" } },
        });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        using var again = await acme.PutAsJsonAsync($"{Subscriptions}/{id}/authentication", new
        {
            kind = "basic", username = "crm-2", headers = new object[] { new { name = "X-Tenant" }, new { name = "X-Region", value = "eu" } },
        });
        var shown = await acme.GetFromJsonAsync<JsonElement>($"{Subscriptions}/{id}/authentication");

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(("basic", "crm-2", "••••1234"), (shown.GetProperty("kind").GetString(), shown.GetProperty("username").GetString(), shown.GetProperty("password").GetString()));
        Assert.Equal(["X-Tenant: ••••efgh", "X-Region: ••••••••"],
            shown.GetProperty("headers").EnumerateArray().Select(h => $"{h.GetProperty("name").GetString()}: {h.GetProperty("value").GetString()}"));
        var text = shown.GetRawText();
        Assert.DoesNotContain("a-long-password", text);
        Assert.DoesNotContain("tenant-value", text);
    }

    [Theory]
    [InlineData("""{"kind":"digest"}""", "kind")]
    [InlineData("""{"kind":"basic","username":"crm"}""", "password")]
    [InlineData("""{"kind":"basic","username":"c:rm","password":"p"}""", "username")]
    [InlineData("""{"kind":"bearer","token":""}""", "token")]
    [InlineData("""{"kind":"bearer","token":"abc\r\nX-Evil: 1"}""", "token")]
    [InlineData("""{"kind":"none","headers":[{"name":"X-Api:Key","value":"v"}]}""", "headers[0].name")]
    [InlineData("""{"kind":"none","headers":[{"name":"X-Ok","value":"v"},{"name":"X Bad","value":"v"}]}""", "headers[1].name")]
    [InlineData("""{"kind":"none","headers":[{"name":"X-Api-Key","value":"line\nbreak"}]}""", "headers[0].value")]
    [InlineData("""{"kind":"none","headers":[{"name":"webhook-signature","value":"v1,forged"}]}""", "headers[0].name")]
    [InlineData("""{"kind":"none","headers":[{"name":"Content-Type","value":"text/plain"}]}""", "headers[0].name")]
    [InlineData("""{"kind":"none","headers":[{"name":"Host","value":"evil.example"}]}""", "headers[0].name")]
    [InlineData("""{"kind":"none","headers":[{"name":"X-New"}]}""", "headers[0].value")]
    [InlineData("""{"kind":"none","headers":[{"name":"X-A","value":"1"},{"name":"x-a","value":"2"}]}""", "headers[1].name")]
    [InlineData("""{"kind":"oauth2","tokenUrl":"http://10.0.0.5/token","clientId":"c","clientSecret":"s"}""", "tokenUrl")]
    [InlineData("""{"kind":"oauth2","tokenUrl":"http://169.254.169.254/token","clientId":"c","clientSecret":"s"}""", "tokenUrl")]
    [InlineData("""{"kind":"oauth2","tokenUrl":"http://localhost/token","clientId":"c","clientSecret":"s"}""", "tokenUrl")]
    [InlineData("""{"kind":"oauth2","tokenUrl":"ftp://auth.example/token","clientId":"c","clientSecret":"s"}""", "tokenUrl")]
    [InlineData("""{"kind":"oauth2","tokenUrl":"https://user:pw@auth.example/token","clientId":"c","clientSecret":"s"}""", "tokenUrl")]
    [InlineData("""{"kind":"oauth2","tokenUrl":"https://auth.example/token","clientSecret":"s"}""", "clientId")]
    [InlineData("""{"kind":"none","header":[]}""", "header")]
    public async Task Bad_input_is_a_400_naming_the_field_and_changes_nothing(string body, string field)
    {
        using var acme = await app.ApiClientAsync();
        var id = await WebhookApiTests.CreateAsync(acme, "Guarded " + field);
        using (var first = await acme.PutAsJsonAsync($"{Subscriptions}/{id}/authentication", new { kind = "bearer", token = "kept-token-0123456789" }))
            first.EnsureSuccessStatusCode();
        var before = (await acme.GetFromJsonAsync<JsonElement>($"{Subscriptions}/{id}/authentication")).GetRawText();

        using var response = await acme.PutAsync($"{Subscriptions}/{id}/authentication", new StringContent(body, Encoding.UTF8, "application/json"));

        await WebhookApiTests.AssertFieldErrorAsync(response, field);
        Assert.Equal(before, (await acme.GetFromJsonAsync<JsonElement>($"{Subscriptions}/{id}/authentication")).GetRawText());
    }

    [Fact]
    public async Task A_public_token_url_is_taken_and_another_company_s_webhook_is_404()
    {
        using var acme = await app.ApiClientAsync();
        using var globex = await app.ApiClientAsync("globex-platform", "globex-platform-secret");
        var id = await WebhookApiTests.CreateAsync(acme, "OAuth");

        using var put = await acme.PutAsJsonAsync($"{Subscriptions}/{id}/authentication",
            new { kind = "oauth2", tokenUrl = "https://auth.example.com/oauth/token", clientId = "webhooks", clientSecret = "client-secret-0123456789", scope = "events" });

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal("••••6789", (await put.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("clientSecret").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await globex.GetAsync($"{Subscriptions}/{id}/authentication")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await globex.PutAsJsonAsync($"{Subscriptions}/{id}/authentication", new { kind = "none" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await globex.DeleteAsync($"{Subscriptions}/{id}/authentication")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await acme.DeleteAsync($"{Subscriptions}/{id}/authentication")).StatusCode);
        Assert.Equal("none", (await acme.GetFromJsonAsync<JsonElement>($"{Subscriptions}/{id}/authentication")).GetProperty("kind").GetString());
    }
}
