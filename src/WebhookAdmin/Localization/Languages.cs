using System.Globalization;
using Microsoft.AspNetCore.Localization;
using Microsoft.Net.Http.Headers;

namespace WebhookAdmin.Localization;

/// <summary>
/// The languages WebhookAdmin speaks and how a request picks one. Words come in a language (<c>en</c>, <c>es</c>: every
/// <c>.resx</c> has a <c>.{language}.resx</c> beside it); dates and numbers follow the browser's region within that
/// language (an <c>es-CL</c> browser reads <c>28-11-2026</c> and <c>1.234</c>, an <c>es-ES</c> one <c>28/11/2026</c>).
/// </summary>
public static class Languages
{
    /// <summary>Without a choice or a browser preference we speak English, and the API always does unless asked otherwise.</summary>
    public const string Default = "en";

    /// <summary>Every language of the UI and the API's messages; a third one is one code here plus its <c>.resx</c> files.</summary>
    public static IReadOnlyList<string> Supported { get; } = ["en", "es"];

    /// <summary>Every culture whose language is supported: the formats of <c>es-CL</c>, <c>es-MX</c>, <c>en-GB</c>, … with our words.</summary>
    private static readonly CultureInfo[] FormattingCultures =
    [
        .. Supported.Select(CultureInfo.GetCultureInfo),
        .. CultureInfo.GetCultures(CultureTypes.SpecificCultures).Where(c => Supported.Contains(c.TwoLetterISOLanguageName)),
    ];

    /// <summary>The language's own name for itself, as a language menu shows it ("English", "Español").</summary>
    public static string NativeName(string language)
    {
        var culture = CultureInfo.GetCultureInfo(language);
        return culture.TextInfo.ToTitleCase(culture.NativeName);
    }

    /// <summary>The language (<c>en</c>, <c>es</c>) the current UI culture belongs to.</summary>
    public static string Current => Of(CultureInfo.CurrentUICulture);

    public static string Of(CultureInfo culture) =>
        Supported.Contains(culture.TwoLetterISOLanguageName) ? culture.TwoLetterISOLanguageName : Default;

    /// <summary>
    /// Pages, sign-in and the circuit: the language the admin chose (the culture cookie), else the browser's
    /// <c>Accept-Language</c>, else English.
    /// </summary>
    public static RequestLocalizationOptions ForPages() =>
        Options(new CookieRequestCultureProvider(), new AcceptLanguageHeaderRequestCultureProvider());

    /// <summary>
    /// The API: English, stable for the scripts that match on its messages, unless the request itself sends
    /// <c>Accept-Language</c>. A UI culture cookie never changes what a script reads.
    /// </summary>
    public static RequestLocalizationOptions ForApi() => Options(new AcceptLanguageHeaderRequestCultureProvider());

    /// <summary>
    /// The culture cookie's value when the admin picks <paramref name="language"/>: that language's words, with the
    /// browser's own region for formats when it names one of that language (<c>es-CL</c>), else the language's.
    /// </summary>
    public static string CookieValue(string language, IEnumerable<StringWithQualityHeaderValue> acceptLanguage)
    {
        var formats = acceptLanguage
            .OrderByDescending(l => l.Quality ?? 1)
            .Select(l => FormattingCultures.FirstOrDefault(c => c.Name.Equals(l.Value.Value, StringComparison.OrdinalIgnoreCase)))
            .FirstOrDefault(c => c is not null && c.TwoLetterISOLanguageName == language);
        return CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(formats?.Name ?? language, language));
    }

    private static RequestLocalizationOptions Options(params IRequestCultureProvider[] providers) => new()
    {
        DefaultRequestCulture = new RequestCulture(Default),
        SupportedCultures = FormattingCultures,
        SupportedUICultures = [.. Supported.Select(CultureInfo.GetCultureInfo)],
        RequestCultureProviders = providers,
    };
}
