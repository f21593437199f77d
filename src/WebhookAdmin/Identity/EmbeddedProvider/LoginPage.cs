using System.Net;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.Extensions.Localization;
using WebhookAdmin.Localization;

namespace WebhookAdmin.Identity.EmbeddedProvider;

/// <summary>
/// The development provider's sign-in form: plain HTML, because it belongs to the provider, not to the admin UI. Worded in
/// the browser's language like the app (the app's culture cookie, else <c>Accept-Language</c>).
/// </summary>
internal static class LoginPage
{
    public static IResult Render(IStringLocalizer<IdentityText> text, AntiforgeryTokenSet tokens, string returnUrl, string? email, string? error,
        HttpStatusCode status = HttpStatusCode.OK)
    {
        // Every script as itself ("Contraseña", not "Contrase&#xF1;a"); markup characters are still encoded.
        var html = HtmlEncoder.Create(UnicodeRanges.All);
        string Say(string key) => html.Encode(text[key]);
        var page = new StringBuilder();
        page.Append($"""
            <!DOCTYPE html>
            <html lang="{Languages.Current}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{Say("PageTitle")}</title>
            """);
        page.Append("""
            <style>
              body{font-family:system-ui,sans-serif;background:#f4f5f7;display:flex;min-height:100vh;align-items:center;justify-content:center;margin:0}
              form{background:#fff;padding:2rem;border-radius:8px;box-shadow:0 2px 8px #0002;width:min(22rem,90vw)}
              h1{font-size:1.25rem;margin:0 0 .25rem} p{color:#555;margin:0 0 1.25rem;font-size:.9rem}
              label{display:block;font-size:.85rem;margin:.75rem 0 .25rem} input{width:100%;box-sizing:border-box;padding:.55rem;border:1px solid #bbb;border-radius:4px;font-size:1rem}
              button{margin-top:1.25rem;width:100%;padding:.6rem;border:0;border-radius:4px;background:#594ae2;color:#fff;font-size:1rem;cursor:pointer}
              .error{color:#b00020;margin-top:.75rem;font-size:.9rem}
            </style></head><body><main>
            <form method="post" action="/connect/login">
            """);
        page.Append($"""<h1>{Say("Heading")}</h1><p>{Say("Intro")}</p>""");
        page.Append($"""<input type="hidden" name="{html.Encode(tokens.FormFieldName)}" value="{html.Encode(tokens.RequestToken ?? "")}">""");
        page.Append($"""<input type="hidden" name="returnUrl" value="{html.Encode(returnUrl)}">""");
        page.Append($"""<label for="email">{Say("Email")}</label><input id="email" name="email" type="email" autocomplete="username" required autofocus value="{html.Encode(email ?? "")}">""");
        page.Append($"""<label for="password">{Say("Password")}</label><input id="password" name="password" type="password" autocomplete="current-password" required>""");
        if (error is not null)
            page.Append($"""<div class="error" role="alert">{html.Encode(error)}</div>""");
        page.Append($"""<button type="submit">{Say("SignIn")}</button></form></main></body></html>""");
        return TypedResults.Content(page.ToString(), "text/html; charset=utf-8", Encoding.UTF8, (int)status);
    }
}
