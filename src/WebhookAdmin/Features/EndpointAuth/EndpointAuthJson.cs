using System.ComponentModel;
using System.Text.Json.Serialization;
using WebhookAdmin.Api;
using WebhookAdmin.Core.EndpointAuth;

namespace WebhookAdmin.Features.EndpointAuth;

/// <summary>
/// A webhook's endpoint authentication as the API shows it: secrets masked (<c>••••</c> and, for values of 16 or more
/// characters, their last four), never in full.
/// </summary>
public sealed record EndpointAuthJson(
    [property: Description("none, basic, bearer or oauth2.")] string Kind,
    string Username, string Password, string Token, string TokenUrl, string ClientId, string ClientSecret, string Scope,
    IReadOnlyList<HeaderJson> Headers,
    [property: JsonConverter(typeof(IsoTimestampConverter))] DateTime? ModifiedAt)
{
    public static EndpointAuthJson From(EndpointAuthView view) => new(
        KindName(view.Kind), view.Username, view.Password, view.Token, view.TokenUrl, view.ClientId, view.ClientSecret, view.Scope,
        view.Headers.Select(h => new HeaderJson(h.Name, h.Value)).ToList(), view.ModifiedAt);

    public static string KindName(EndpointAuthKind kind) => kind.ToString().ToLowerInvariant();
}

public sealed record HeaderJson(string Name, string Value);

/// <summary>
/// PUT body: the whole configuration. A secret (password, token, clientSecret, a header's value) left out or null keeps the
/// one stored; the values are write-only, so an editor never has them to send back.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record PutEndpointAuthRequest(
    [property: Description("none, basic, bearer or oauth2.")] string? Kind,
    string? Username = null, string? Password = null, string? Token = null, string? TokenUrl = null, string? ClientId = null, string? ClientSecret = null,
    string? Scope = null, IReadOnlyList<PutHeaderRequest>? Headers = null);

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record PutHeaderRequest(string? Name, [property: Description("Null or left out keeps the stored value of a header of the same name.")] string? Value = null);
