using System.ComponentModel;
using System.Text.Json.Serialization;
using WebhookAdmin.Api;

namespace WebhookAdmin.Features.Receivers;

/// <summary>
/// A page of the catch-up API, as <see cref="CatchUpPage"/> writes it; this record names its shape for the OpenAPI
/// document.
/// </summary>
public sealed record CatchUpJson(
    IReadOnlyList<CatchUpDeliveryJson> Deliveries,
    [property: Description("The last webhook-sequence the webhook has given; ask again with after= this once hasMore is false to wait for news.")] long LastSequence,
    [property: Description("More deliveries follow: ask again with after= the last one's sequence.")] bool HasMore);

/// <summary>One delivery, with the headers and body a push would carry, so a receiver verifies and handles it with the same code.</summary>
public sealed record CatchUpDeliveryJson(
    [property: Description("The delivery's webhook-sequence.")] long Sequence,
    [property: Description("The delivery's webhook-id.")] string Id,
    [property: JsonConverter(typeof(IsoTimestampConverter))] DateTime CreatedAt,
    [property: Description("SUCCESS, FAILED or PENDING: what became of the push so far.")] string State,
    CatchUpHeadersJson Headers,
    [property: Description("The event exactly as sent (the signed bytes), as a JSON string.")] string Body);

/// <summary>The Standard Webhooks headers, signed when the page was read (webhook-timestamp is that time).</summary>
public sealed record CatchUpHeadersJson(
    [property: JsonPropertyName("webhook-id")] string WebhookId,
    [property: JsonPropertyName("webhook-timestamp")] string WebhookTimestamp,
    [property: JsonPropertyName("webhook-signature")] string WebhookSignature,
    [property: JsonPropertyName("webhook-sequence")] string WebhookSequence);
