using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Localization;
using MudBlazor;
using WebhookAdmin.Identity;

namespace WebhookAdmin.Localization;

/// <summary>Wires resources, the per-request language and the language switch; see <see cref="Languages"/>.</summary>
public static class LocalizationSetup
{
    public const string SwitchPath = "/culture/set";

    /// <summary>
    /// <c>IStringLocalizer&lt;T&gt;</c> over the <c>.resx</c> beside each feature, and MudBlazor's own texts through its
    /// localizer. The component tests call this too.
    /// </summary>
    public static IServiceCollection AddAdminLocalization(this IServiceCollection services)
    {
        services.AddLocalization();
        // MudBlazor keeps its built-in English and asks this for every other language.
        services.AddTransient<MudLocalizer, MudBlazorTranslations>();
        return services;
    }

    /// <summary>
    /// First in the pipeline, so that error pages, status-code problem details and re-executed "Page not found" requests
    /// are all worded in the request's language.
    /// </summary>
    public static IApplicationBuilder UseAdminLocalization(this IApplicationBuilder app)
    {
        app.UseWhen(IsApi, api => api.UseRequestLocalization(Languages.ForApi()));
        app.UseWhen(http => !IsApi(http), pages => pages.UseRequestLocalization(Languages.ForPages()));
        return app;
    }

    /// <summary>
    /// <c>GET /culture/set?culture=es&amp;redirectUri=/admin/webhooks</c>: remembers the admin's language in ASP.NET Core's
    /// culture cookie and reloads the page they were on, so a new circuit starts in that language.
    /// </summary>
    public static IEndpointRouteBuilder MapLanguageSwitch(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(SwitchPath, SwitchLanguage).AllowAnonymous().ExcludeFromDescription();
        return endpoints;
    }

    /// <summary>The address that switches to <paramref name="language"/> and comes back to <paramref name="returnTo"/> (base-relative).</summary>
    public static string SwitchUri(string language, string returnTo) =>
        QueryHelpers.AddQueryString(SwitchPath, new Dictionary<string, string?> { ["culture"] = language, ["redirectUri"] = "/" + returnTo.TrimStart('/') });

    private static Results<RedirectHttpResult, BadRequest> SwitchLanguage(HttpContext http, [FromQuery] string? culture, [FromQuery] string? redirectUri)
    {
        if (culture is null || !Languages.Supported.Contains(culture))
            return TypedResults.BadRequest();
        http.Response.Cookies.Append(
            CookieRequestCultureProvider.DefaultCookieName,
            Languages.CookieValue(culture, http.Request.GetTypedHeaders().AcceptLanguage),
            new CookieOptions { Expires = DateTimeOffset.UtcNow.AddYears(1), IsEssential = true, HttpOnly = true, SameSite = SameSiteMode.Lax, Path = "/" });
        return TypedResults.LocalRedirect(ReturnAddress.LocalOrHome(redirectUri));
    }

    private static bool IsApi(HttpContext http) => http.Request.Path.StartsWithSegments("/api");
}

/// <summary>MudBlazor's own texts (pager buttons, close buttons, "Loading…", pickers) from <c>MudBlazorText.{language}.resx</c>.</summary>
internal sealed class MudBlazorTranslations(IStringLocalizer<MudBlazorText> text) : MudLocalizer
{
    public override LocalizedString this[string key] => text[key];

    public override LocalizedString this[string key, params object[] arguments] => text[key, arguments];
}
