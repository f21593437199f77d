using System.Net;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Localization;

namespace WebhookAdmin.Localization;

public static class LocalizerExtensions
{
    /// <summary>
    /// <c>{key}_One</c> when <paramref name="count"/> is 1, else <c>{key}_Other</c>: English and Spanish agree on when a
    /// noun is singular. <paramref name="count"/> is <c>{0}</c>; further <paramref name="arguments"/> follow it.
    /// </summary>
    public static string Plural(this IStringLocalizer localizer, string key, long count, params object[] arguments) =>
        localizer[key + (count == 1 ? "_One" : "_Other"), [count, .. arguments]].Value;

    /// <summary>
    /// A resource holding markup (<c>&lt;strong&gt;</c>, <c>&lt;code&gt;</c>): the resource is ours and trusted, every
    /// argument is HTML-encoded unless it is markup itself.
    /// </summary>
    public static MarkupString Markup(this IStringLocalizer localizer, string key, params object[] arguments) =>
        new(localizer[key, [.. arguments.Select(a => a is MarkupString markup ? markup.Value : WebUtility.HtmlEncode(Convert.ToString(a, System.Globalization.CultureInfo.CurrentCulture) ?? ""))]]);

    /// <summary><paramref name="text"/> as code, for a <see cref="Markup"/> argument.</summary>
    public static MarkupString Code(string text) => new($"<code>{WebUtility.HtmlEncode(text)}</code>");

    /// <summary><paramref name="text"/> with a hover <paramref name="title"/> (an exact time), for a <see cref="Markup"/> argument.</summary>
    public static MarkupString WithTitle(string text, string title) =>
        new($"<span title=\"{WebUtility.HtmlEncode(title)}\">{WebUtility.HtmlEncode(text)}</span>");
}
