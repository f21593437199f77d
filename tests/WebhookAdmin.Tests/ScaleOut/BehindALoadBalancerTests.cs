using System.Net;
using WebhookAdmin.Tests.Support;

namespace WebhookAdmin.Tests.ScaleOut;

/// <summary>The development provider reached through a load balancer's address (Authentication:EmbeddedProvider:PublicOrigins).</summary>
public sealed class BehindALoadBalancerTests(BehindALoadBalancerTests.App app) : IClassFixture<BehindALoadBalancerTests.App>
{
    public sealed class App : TestApp
    {
        protected override IEnumerable<string> ExtraArguments => ["--Authentication:EmbeddedProvider:PublicOrigins:0=http://balancer.example:8080"];
    }

    [Theory]
    [InlineData("http://balancer.example:8080/signin-oidc", HttpStatusCode.Redirect)]
    [InlineData("http://elsewhere.example:8080/signin-oidc", HttpStatusCode.BadRequest)]
    public async Task A_sign_in_may_return_to_a_listed_public_origin_and_to_no_other(string redirectUri, HttpStatusCode expected)
    {
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = app.BaseAddress };

        using var response = await browser.GetAsync("/connect/authorize?client_id=webhookadmin-ui&response_type=code&scope=openid" +
            $"&redirect_uri={Uri.EscapeDataString(redirectUri)}&code_challenge=YMfvHVYeBNL7MLpAyxlJBrIVZtizSfoBtqvByzHnF0w&code_challenge_method=S256&state=s&nonce=n");

        // Accepted: off to the sign-in form. Refused: the provider's own error, never a redirect to that address.
        Assert.Equal(expected, response.StatusCode);
        if (expected == HttpStatusCode.Redirect)
            Assert.StartsWith("/connect/login", response.Headers.Location!.OriginalString.Replace(app.BaseAddress.ToString().TrimEnd('/'), ""));
    }

    [Theory]
    [InlineData("balancer.example:8080", "http://balancer.example:8080/connect/authorize?")]
    [InlineData("elsewhere.example:8080", null)]
    public async Task A_sign_in_reached_through_a_public_origin_sends_the_browser_to_the_provider_there_and_any_other_host_to_the_instance(
        string host, string? expectedStart)
    {
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = app.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/admin/webhooks");
        request.Headers.Host = host;

        using var response = await browser.SendAsync(request);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith(expectedStart ?? $"{app.BaseAddress.ToString().TrimEnd('/')}/connect/authorize?", response.Headers.Location!.ToString());
    }
}
