using System.Net;
using System.Text.RegularExpressions;

namespace WebhookAdmin.Tests.Support;

/// <summary>An admin's sign-in as a browser does it, over real HTTP: the app's login address, the provider's form, the code back.</summary>
public static partial class BrowserSignIn
{
    /// <summary>
    /// Starts at <paramref name="loginPath"/> (e.g. <c>/account/login?returnUrl=…</c>), signs in, and answers where the app
    /// then sends the browser (the sign-in callback's <c>Location</c>, not followed). The sign-in cookie lands in <paramref name="cookies"/>.
    /// </summary>
    public static async Task<string?> SignInAsync(CookieContainer cookies, Uri app, string loginPath, string email, string password)
    {
        using var browser = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = true });
        using var callback = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false });
        using var form = await browser.GetAsync(new Uri(app, loginPath));
        var fields = Hidden(await form.Content.ReadAsStringAsync());
        fields["email"] = email;
        fields["password"] = password;
        using var signedIn = await browser.PostAsync(new Uri(app, "/connect/login"), new FormUrlEncodedContent(fields));
        var answer = await signedIn.Content.ReadAsStringAsync();
        // The provider answers the app with a self-posting form (response_mode=form_post): post it as the browser would.
        var action = FormAction().Match(answer);
        Assert.True(action.Success, $"No form back to the app after signing in ({(int)signedIn.StatusCode}).");
        using var back = await callback.PostAsync(new Uri(WebUtility.HtmlDecode(action.Groups[1].Value)), new FormUrlEncodedContent(Hidden(answer)));
        Assert.Equal(HttpStatusCode.Redirect, back.StatusCode);
        return back.Headers.Location?.OriginalString;
    }

    private static Dictionary<string, string> Hidden(string page) =>
        HiddenFields().Matches(page).ToDictionary(m => WebUtility.HtmlDecode(m.Groups[1].Value), m => WebUtility.HtmlDecode(m.Groups[2].Value));

    [GeneratedRegex("""<input type="hidden" name="([^"]+)" value="([^"]*)"\s*/?>""")]
    private static partial Regex HiddenFields();

    [GeneratedRegex("""<form[^>]*action="([^"]+)"[^>]*>""")]
    private static partial Regex FormAction();
}
