using System.Text.Json;
using System.Text.Json.Serialization;
using WebhookAdmin.Api;
using WebhookAdmin.Core.Logs;

namespace WebhookAdmin.Features.Logs;

/// <summary>The documented COTWebhookLog JSON; <c>event</c> is the COTEvent exactly as it was sent.</summary>
public sealed record WebhookLogJson(
    [property: JsonPropertyName("_id")] string Id,
    string Company,
    [property: JsonConverter(typeof(IsoTimestampConverter))] DateTime CreatedAt,
    int Status,
    int Retry,
    string Response,
    JsonElement Event,
    string Subscription,
    [property: JsonPropertyName("__v")] int Version)
{
    public static WebhookLogJson From(WebhookLog log)
    {
        var published = log.Event ?? throw new ArgumentException("The log must be loaded with its event.", nameof(log));
        using var sent = JsonDocument.Parse(published.Body);
        return new(log.PublicId, published.CompanyId, log.CreatedAt, log.Status, log.Retry, log.Response, sent.RootElement.Clone(), log.WebhookId, log.Version);
    }
}
