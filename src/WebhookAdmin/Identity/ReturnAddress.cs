using Microsoft.AspNetCore.Http.HttpResults;

namespace WebhookAdmin.Identity;

/// <summary>
/// Where the app may send a browser back to after sign-in, a language switch or the login form: only its own pages.
/// </summary>
public static class ReturnAddress
{
    /// <summary>
    /// <paramref name="candidate"/> when ASP.NET Core's own local-URL rule accepts it (an absolute path, not <c>//</c> or
    /// <c>/\</c>, no control characters: a browser drops a tab in <c>/&#9;/evil.example</c> and goes off the site),
    /// otherwise the home page. The <c>~/</c> form the rule also accepts is refused: a browser would not resolve it.
    /// </summary>
    public static string LocalOrHome(string? candidate) =>
        candidate is ['/', ..] && RedirectHttpResult.IsLocalUrl(candidate) ? candidate : "/";
}
