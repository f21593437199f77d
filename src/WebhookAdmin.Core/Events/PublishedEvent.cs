namespace WebhookAdmin.Core.Events;

/// <summary>
/// A COTEvent as stored once it is accepted. The row exists to give the event its publish order and to make a
/// caller's retried publish (same caller id) a no-op; what each webhook received lives in its <see cref="Logs.WebhookLog"/>.
/// </summary>
public sealed class PublishedEvent
{
    /// <summary>Assigned by SQLite (AUTOINCREMENT) inside the publish transaction: never reused, never out of commit order.</summary>
    public long Sequence { get; init; }

    public required string Id { get; init; }
    public required string CompanyId { get; init; }

    /// <summary>The caller's optional idempotency key, unique per company.</summary>
    public string? CallerId { get; init; }

    public required string Type { get; init; }
    public required string Event { get; init; }
    public DateTime PublishedAt { get; init; }

    /// <summary>How many webhooks matched; a repeated publish answers with the same figure.</summary>
    public int Deliveries { get; init; }
}
