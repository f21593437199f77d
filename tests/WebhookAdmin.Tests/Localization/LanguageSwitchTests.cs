using System.Net;
using WebhookAdmin.Tests.Support;

namespace WebhookAdmin.Tests.Localization;

/// <summary>Pages follow the browser, then the admin's choice, remembered in ASP.NET Core's culture cookie.</summary>
public sealed class LanguageSwitchTests(TestApp app) : IClassFixture<TestApp>
{
    [Fact]
    public async Task Choosing_a_language_sets_the_culture_cookie_and_goes_back()
    {
        using var client = NoRedirects();
        var request = new HttpRequestMessage(HttpMethod.Get, "/culture/set?culture=es&redirectUri=%2Fadmin%2Fwebhooks%2Fnew%3Ftab%3Dlogs");
        request.Headers.AcceptLanguage.ParseAdd("es-CL,es;q=0.9,en;q=0.8");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/admin/webhooks/new?tab=logs", response.Headers.Location?.OriginalString);
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"));
        // Spanish words, Chilean formats: the browser named es-CL.
        Assert.StartsWith(".AspNetCore.Culture=c%3Des-CL%7Cuic%3Des;", cookie);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Switching_to_english_from_a_spanish_browser_speaks_english()
    {
        using var client = NoRedirects();
        var request = new HttpRequestMessage(HttpMethod.Get, "/culture/set?culture=en&redirectUri=%2F");
        request.Headers.AcceptLanguage.ParseAdd("es-CL");

        using var response = await client.SendAsync(request);

        Assert.StartsWith(".AspNetCore.Culture=c%3Den%7Cuic%3Den;", Assert.Single(response.Headers.GetValues("Set-Cookie")));
    }

    [Theory]
    [InlineData("/culture/set?culture=fr&redirectUri=%2F", HttpStatusCode.BadRequest, null)]
    [InlineData("/culture/set?culture=es&redirectUri=https%3A%2F%2Fevil.example%2F", HttpStatusCode.Redirect, "/")]
    [InlineData("/culture/set?culture=es&redirectUri=%2F%2Fevil.example", HttpStatusCode.Redirect, "/")]
    public async Task Only_known_languages_and_local_addresses_are_accepted(string path, HttpStatusCode status, string? location)
    {
        using var client = NoRedirects();

        using var response = await client.GetAsync(path);

        Assert.Equal(status, response.StatusCode);
        Assert.Equal(location, response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task The_sign_in_page_follows_the_browser_and_then_the_remembered_choice()
    {
        using var client = NoRedirects();

        var spanish = await PageAsync(client, "/connect/login", "es-CL,es;q=0.9");
        var chosen = await PageAsync(client, "/connect/login", "es-CL,es;q=0.9", cookie: ".AspNetCore.Culture=c%3Den%7Cuic%3Den");
        var english = await PageAsync(client, "/connect/login", null);

        Assert.Contains("<html lang=\"es\">", spanish);
        Assert.Contains("<label for=\"password\">Contraseña</label>", spanish);
        Assert.Contains("<button type=\"submit\">Iniciar sesión</button>", spanish);
        Assert.Contains("<label for=\"password\">Password</label>", chosen);
        Assert.Contains("<html lang=\"en\">", english);
    }

    [Fact]
    public async Task A_wrong_password_is_refused_in_the_browsers_language()
    {
        using var client = app.Anonymous();
        var login = await PageAsync(client, "/connect/login", "es");
        var token = System.Text.RegularExpressions.Regex.Match(login, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
        var request = new HttpRequestMessage(HttpMethod.Post, "/connect/login")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token, ["email"] = "admin@acme.test", ["password"] = "wrong", ["returnUrl"] = "/" }),
        };
        request.Headers.AcceptLanguage.ParseAdd("es");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("El correo no existe o la contraseña es incorrecta.", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Administrators_only_is_spanish_for_a_spanish_browser()
    {
        using var client = NoRedirects();

        var page = await PageAsync(client, "/account/access-denied", "es-CL,es;q=0.9");

        Assert.Contains("Solo para administradores", page);
        Assert.Contains("Acceso denegado", page);
        Assert.Contains("<html lang=\"es\">", page);
    }

    private HttpClient NoRedirects() =>
        new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = app.BaseAddress };

    private static async Task<string> PageAsync(HttpClient client, string path, string? language, string? cookie = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (language is not null)
            request.Headers.AcceptLanguage.ParseAdd(language);
        if (cookie is not null)
            request.Headers.Add("Cookie", cookie);
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }
}
