using System.Net;
using WebhookAdmin.Tests.Support;

namespace WebhookAdmin.Tests.Identity;

/// <summary>
/// Every address the app sends a browser back to is one of its own pages, by ASP.NET Core's local-URL rule: whatever a
/// link says (a tab a browser drops, a backslash it reads as a slash, another scheme), it ends on the app's home page.
/// </summary>
public sealed class ReturnAddressTests(TestApp app) : IClassFixture<TestApp>
{
    /// <summary>Query-string forms of addresses off the site (as sent: percent-encoded where a browser would encode).</summary>
    public static TheoryData<string> Hostile() =>
    [
        "%2F%2Fevil.example",
        "//evil.example",
        "%2F%5Cevil.example",
        "/%5Cevil.example",
        "%2F%09%2Fevil.example",
        "/%09/evil.example",
        "/%0A/evil.example",
        "/%0D%0A/evil.example",
        "/%00/evil.example",
        "/%1F/evil.example",
        "%5C%5Cevil.example",
        "%2F%2F%2Fevil.example",
        "%20%2F%2Fevil.example",
        "https%3A%2F%2Fevil.example",
        "https://evil.example/",
        "javascript:alert(1)",
        "~%2F%2Fevil.example",
        "evil.example",
    ];

    [Theory]
    [MemberData(nameof(Hostile))]
    public async Task The_language_switch_sends_an_address_off_the_site_home(string redirectUri)
    {
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = app.BaseAddress };

        using var response = await client.GetAsync($"/culture/set?culture=es&redirectUri={redirectUri}");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location?.OriginalString);
    }

    [Theory]
    [MemberData(nameof(Hostile))]
    public async Task Signing_in_with_a_return_address_off_the_site_ends_on_the_home_page(string returnUrl)
    {
        var location = await BrowserSignIn.SignInAsync(new CookieContainer(), app.BaseAddress, $"/account/login?returnUrl={returnUrl}", "admin@acme.test", "acme-admin");

        Assert.Equal("/", location);
    }

    [Theory]
    [InlineData("%2Fadmin%2Fwebhooks%3Ftab%3Dlogs", "/admin/webhooks?tab=logs")]
    [InlineData("/admin/webhooks/%5Cx", "/admin/webhooks/\\x")]
    public async Task Signing_in_comes_back_to_the_apps_own_page(string returnUrl, string expected)
    {
        var location = await BrowserSignIn.SignInAsync(new CookieContainer(), app.BaseAddress, $"/account/login?returnUrl={returnUrl}", "admin@acme.test", "acme-admin");

        Assert.Equal(expected, location);
    }
}
