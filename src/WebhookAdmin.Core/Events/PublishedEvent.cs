namespace WebhookAdmin.Core.Events;

/// <summary>
/// A COTEvent as stored once it is accepted: its publish order, what a caller's retried publish (same caller id) is
/// answered with, and the body every matched webhook receives — kept once here, however many webhooks it goes to.
/// What each webhook received and answered lives in its <see cref="Logs.WebhookLog"/>.
/// </summary>
public sealed class PublishedEvent
{
    /// <summary>
    /// Assigned by the database inside the publish transaction, which the delivery writer alone commits: never reused,
    /// and increasing in commit order, so a webhook's deliveries go out in this order.
    /// </summary>
    public long Sequence { get; init; }

    /// <summary>The documented ObjectId form of the event (time of publishing, then <see cref="Sequence"/>).</summary>
    public string Id => ObjectId.OfEvent(PublishedAt, Sequence);

    public required string CompanyId { get; init; }

    /// <summary>The caller's optional idempotency key, unique per company.</summary>
    public string? CallerId { get; init; }

    public required string Type { get; init; }
    public required string Event { get; init; }
    public DateTime PublishedAt { get; init; }

    /// <summary>How many webhooks matched; a repeated publish answers with the same figure.</summary>
    public int Deliveries { get; init; }

    /// <summary>The COTEvent JSON exactly as sent (UTF-8), so logs show the bytes receivers got and signatures cover them.</summary>
    public required byte[] Body { get; init; }

    /// <summary>The publish's W3C trace context when it was traced (null otherwise: most events cost nothing here).</summary>
    public string? TraceParent { get; init; }
}
