using WebhookAdmin.Core.EndpointAuth;

namespace WebhookAdmin.Features.EndpointAuth;

/// <summary>
/// The settings panel's endpoint authentication while it is edited. Secret fields start empty, showing what is stored
/// masked beside them: left empty they keep the stored value; typed in, they replace it.
/// </summary>
public sealed class EndpointAuthForm
{
    public EndpointAuthKind Kind { get; set; }
    public string Username { get; set; } = "";
    public string Password { get; set; } = "";
    public string Token { get; set; } = "";
    public string TokenUrl { get; set; } = "";
    public string ClientId { get; set; } = "";
    public string ClientSecret { get; set; } = "";
    public string Scope { get; set; } = "";
    public List<HeaderRow> Headers { get; } = [];

    /// <summary>What is stored, masked, for the secret fields' hints.</summary>
    public EndpointAuthView Stored { get; private set; } = EndpointAuthView.Nothing;

    /// <summary>Messages by field (<c>password</c>, <c>headers[1].name</c>…), from the last save.</summary>
    public IReadOnlyDictionary<string, string> Errors { get; private set; } = new Dictionary<string, string>();

    public static EndpointAuthForm From(EndpointAuthView view)
    {
        var form = new EndpointAuthForm
        {
            Kind = view.Kind, Username = view.Username, TokenUrl = view.TokenUrl, ClientId = view.ClientId, Scope = view.Scope, Stored = view,
        };
        form.Headers.AddRange(view.Headers.Select(h => new HeaderRow { Name = h.Name, StoredMask = h.Value }));
        return form;
    }

    public void AddHeader() => Headers.Add(new HeaderRow());

    public void RemoveHeader(HeaderRow row) => Headers.Remove(row);

    public string? ErrorFor(string field) => Errors.GetValueOrDefault(field);

    public void ShowErrors(IEnumerable<(string Field, string Message)> errors) =>
        Errors = errors.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => g.First().Message);

    public EndpointAuthSettings ToSettings() => new(
        Kind, Username, Typed(Password), Typed(Token), TokenUrl, ClientId, Typed(ClientSecret), Scope,
        Headers.Select(h => new HeaderSetting(h.Name.Trim(), Typed(h.Value))).ToList());

    /// <summary>An empty secret field means "keep what is stored".</summary>
    private static string? Typed(string value) => value.Length == 0 ? null : value;
}

public sealed class HeaderRow
{
    public string Name { get; set; } = "";
    public string Value { get; set; } = "";

    /// <summary>The stored value, masked; empty for a header not saved yet.</summary>
    public string StoredMask { get; init; } = "";
}
