using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;
using WebhookAdmin.Api;

namespace WebhookAdmin.Features.Logs;

/// <summary>
/// The documented COTWebhookLog JSON; <c>event</c> is the COTEvent exactly as it was sent. The API writes it log by log
/// (<see cref="WebhookLogPage"/>); this record names its shape for the OpenAPI document. One field is added at the end:
/// <c>sequence</c>, the delivery's <c>webhook-sequence</c> header.
/// </summary>
public sealed record WebhookLogJson(
    [property: JsonPropertyName("_id")] string Id,
    string Company,
    [property: JsonConverter(typeof(IsoTimestampConverter))] DateTime CreatedAt,
    int Status,
    int Retry,
    string Response,
    JsonElement Event,
    string Subscription,
    [property: JsonPropertyName("__v")] int Version,
    [property: Description(WebhookLogJson.SequenceDescription)] long Sequence)
{
    public const string SequenceDescription =
        "The delivery's place among the webhook's deliveries (its webhook-sequence header): 1 for the first, one more for each event that matched, without gaps; the same on every attempt and resend.";
}
