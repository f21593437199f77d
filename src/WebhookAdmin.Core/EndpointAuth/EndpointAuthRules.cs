using System.Net;
using WebhookAdmin.Core.Delivery;

namespace WebhookAdmin.Core.EndpointAuth;

/// <summary>The JSON paths errors are keyed by, the same in the API's problems and under the settings panel's fields.</summary>
public static class EndpointAuthFields
{
    public const string Kind = "kind";
    public const string Username = "username";
    public const string Password = "password";
    public const string Token = "token";
    public const string TokenUrl = "tokenUrl";
    public const string ClientId = "clientId";
    public const string ClientSecret = "clientSecret";
    public const string Scope = "scope";
    public const string Headers = "headers";

    public static string HeaderName(int index) => $"headers[{index}].name";

    public static string HeaderValue(int index) => $"headers[{index}].value";
}

/// <summary>
/// The rules of a webhook's endpoint authentication, one message per broken rule keyed by the field's JSON path
/// (<c>headers[2].name</c>, <c>tokenUrl</c>…), in the caller's language.
/// </summary>
public static class EndpointAuthRules
{
    public const int MaxHeaders = 20;
    public const int HeaderNameMaxLength = 100;
    public const int ValueMaxLength = 4096;
    public const int FieldMaxLength = 500;

    /// <summary>
    /// Headers the delivery sets itself, or that change how HTTP carries the request: a custom header may not replace
    /// them. <c>Authorization</c> is set through Basic, Bearer or OAuth2.
    /// </summary>
    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "authorization", "content-type", "content-length", "content-encoding", "host", "user-agent", "connection", "keep-alive",
        "transfer-encoding", "te", "trailer", "upgrade", "expect", "proxy-authorization", "proxy-connection", "traceparent", "tracestate", "cookie",
    };

    private static Microsoft.Extensions.Localization.IStringLocalizer Text => EndpointAuthText.Localizer;

    /// <param name="stored">What is stored now: a secret left out (null) is kept, so it must be there.</param>
    /// <param name="allowPrivateNetworks">Whether deliveries may go to internal addresses (Webhooks:Delivery:AllowPrivateNetworks).</param>
    public static IReadOnlyList<(string Field, string Message)> Check(EndpointAuthSettings settings, EndpointAuthView stored, bool allowPrivateNetworks)
    {
        var errors = new List<(string, string)>();
        void Add(string field, string key, params object[] arguments) => errors.Add((field, Text[key, arguments].Value));

        void Required(string field, string? value, string storedValue)
        {
            if (value is null ? storedValue.Length == 0 : value.Length == 0)
                Add(field, "Required", field);
        }

        void Plain(string field, string? value)
        {
            if (value is null)
                return;
            if (value.Length > FieldMaxLength)
                Add(field, "TooLong", field, FieldMaxLength);
            else if (StoredText.HasForbiddenCharacters(value))
                Add(field, "ControlCharacters", field);
        }

        void Secret(string field, string? value)
        {
            if (value is null)
                return;
            if (value.Length > ValueMaxLength)
                Add(field, "TooLong", field, ValueMaxLength);
            // A line break would end the header and start another: a request of the admin's making, not ours.
            else if (StoredText.HasForbiddenCharacters(value))
                Add(field, "ControlCharacters", field);
        }

        foreach (var (field, value) in new[] { (EndpointAuthFields.Username, settings.Username), (EndpointAuthFields.TokenUrl, settings.TokenUrl), (EndpointAuthFields.ClientId, settings.ClientId), (EndpointAuthFields.Scope, settings.Scope) })
            Plain(field, value);
        foreach (var (field, value) in new[] { (EndpointAuthFields.Password, settings.Password), (EndpointAuthFields.Token, settings.Token), (EndpointAuthFields.ClientSecret, settings.ClientSecret) })
            Secret(field, value);

        switch (settings.Kind)
        {
            case EndpointAuthKind.Basic:
                Required(EndpointAuthFields.Username, settings.Username, stored.Username);
                Required(EndpointAuthFields.Password, settings.Password, stored.Password);
                if (settings.Username?.Contains(':', StringComparison.Ordinal) == true)
                    Add(EndpointAuthFields.Username, "UsernameColon");
                break;
            case EndpointAuthKind.Bearer:
                Required(EndpointAuthFields.Token, settings.Token, stored.Token);
                break;
            case EndpointAuthKind.OAuth2:
                Required(EndpointAuthFields.TokenUrl, settings.TokenUrl, stored.TokenUrl);
                Required(EndpointAuthFields.ClientId, settings.ClientId, stored.ClientId);
                Required(EndpointAuthFields.ClientSecret, settings.ClientSecret, stored.ClientSecret);
                if (!string.IsNullOrEmpty(settings.TokenUrl) && CheckTokenUrl(settings.TokenUrl, allowPrivateNetworks) is { } problem)
                    errors.Add((EndpointAuthFields.TokenUrl, problem));
                break;
        }

        var headers = settings.Headers ?? [];
        if (headers.Count > MaxHeaders)
            Add(EndpointAuthFields.Headers, "TooManyHeaders", MaxHeaders);
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < headers.Count; i++)
        {
            var (name, value) = (headers[i].Name ?? "", headers[i].Value);
            var (nameField, valueField) = (EndpointAuthFields.HeaderName(i), EndpointAuthFields.HeaderValue(i));
            if (name.Length == 0)
                Add(nameField, "HeaderNameRequired");
            else if (name.Length > HeaderNameMaxLength || !name.All(IsTokenCharacter))
                Add(nameField, "HeaderNameInvalid", name.Length > 40 ? name[..40] + "…" : name);
            else if (Reserved.Contains(name) || name.StartsWith("webhook-", StringComparison.OrdinalIgnoreCase))
                Add(nameField, "HeaderNameReserved", name);
            else if (!seen.Add(name))
                Add(nameField, "HeaderNameRepeated", name);
            if (value is null && !stored.Headers.Any(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase)))
                Add(valueField, "Required", valueField);
            else if (value is not null && value.Length > ValueMaxLength)
                Add(valueField, "TooLong", valueField, ValueMaxLength);
            else if (value is not null && StoredText.HasForbiddenCharacters(value))
                Add(valueField, "ControlCharacters", valueField);
        }
        return errors;
    }

    /// <summary>An absolute http(s) url without credentials, and not an internal address unless those are allowed.</summary>
    public static string? CheckTokenUrl(string url, bool allowPrivateNetworks)
    {
        if (StoredText.HasForbiddenCharacters(url) || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            return Text["TokenUrlNotAbsolute"].Value;
        if (!string.IsNullOrEmpty(uri.UserInfo))
            return Text["TokenUrlHasCredentials"].Value;
        // A name is checked where it resolves, when the token is fetched (the delivery's own guard); an address is refused now.
        if (!allowPrivateNetworks && (IPAddress.TryParse(uri.IdnHost, out var address) ? NetworkGuard.BlockedReason(address) is not null : uri.IsLoopback))
            return Text["TokenUrlPrivate", uri.Host].Value;
        return null;
    }

    /// <summary>RFC 9110's token characters, the only ones a header name may hold.</summary>
    private static bool IsTokenCharacter(char c) =>
        c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' or '!' or '#' or '$' or '%' or '&' or '\'' or '*' or '+' or '-' or '.' or '^' or '_' or '`' or '|' or '~';
}
