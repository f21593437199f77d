using System.Text;
using WebhookAdmin.Core.Events;

namespace WebhookAdmin.Core.Logs;

/// <summary>
/// One delivery of one event to one webhook: the stored form of the documented COTWebhookLog. It is written once per
/// delivery and updated at every attempt, so it keeps only what is its own: the event's body, company and type live
/// once in <see cref="PublishedEvent"/> however many webhooks the event goes to.
/// </summary>
public sealed class WebhookLog
{
    /// <summary>The storage key; <see cref="PublicId"/> is how the API, the UI and the <c>webhook-id</c> header name it.</summary>
    public long Id { get; init; }

    /// <summary>The documented <c>_id</c>: an ObjectId made of <see cref="CreatedAt"/> and <see cref="Id"/>, the same on every attempt.</summary>
    public string PublicId => ObjectId.OfLog(CreatedAt, Id);

    /// <summary>The webhook (the documented <c>subscription</c>).</summary>
    public required string WebhookId { get; init; }

    /// <summary>When the event triggered the webhook (millisecond precision); the logs list is ordered by it, newest first.</summary>
    public DateTime CreatedAt { get; init; }

    /// <summary>The receiver's HTTP status, 0 while no response has come.</summary>
    public int Status { get; set; }

    /// <summary>Attempts made so far.</summary>
    public int Retry { get; set; }

    /// <summary>The receiver's body (bounded) or the transport error.</summary>
    public string Response { get; set; } = "";

    public int Version { get; set; }

    /// <summary>
    /// The event's publish sequence (<see cref="PublishedEvent.Sequence"/>): increasing per database, so a webhook's
    /// deliveries go out in this order.
    /// </summary>
    public long Sequence { get; init; }

    /// <summary>
    /// The delivery's place among its webhook's deliveries (the <c>webhook-sequence</c> header): 1 for the webhook's
    /// first, then one more for each event that matched it, without gaps, in <see cref="Sequence"/> order. Drawn from the
    /// webhook's <see cref="WebhookCounter"/> in the transaction that stores the delivery, so a receiver that sees
    /// <c>n</c> then <c>n + 2</c> knows exactly one delivery is missing; retries and resends keep it.
    /// </summary>
    public long WebhookSequence { get; init; }

    /// <summary>The event this delivery carries; loaded when the body or the company is needed.</summary>
    public PublishedEvent? Event { get; init; }

    public DeliveryState State { get; set; } = DeliveryState.Pending;

    /// <summary>When a pending delivery may be attempted next: the publish time, then each failure plus the retry delay.</summary>
    public DateTime NextAttemptAt { get; set; }

    /// <summary>
    /// An admin asked to send this delivery again: the next attempt is recorded as manual and is the only one made
    /// (no automatic retries follow a manual resend that fails).
    /// </summary>
    public bool ManualAttemptRequested { get; set; }

    /// <summary>Every attempt made, oldest first, for the logs panel.</summary>
    public List<WebhookLogAttempt> Attempts { get; } = [];

    /// <summary>The company whose event this is; needs <see cref="Event"/> loaded.</summary>
    public string CompanyId => Event?.CompanyId ?? throw new InvalidOperationException("Load the log with its event to read its company.");

    /// <summary>The COTEvent JSON as the receiver got it; needs <see cref="Event"/> loaded.</summary>
    public string EventJson => Event is { } published ? Encoding.UTF8.GetString(published.Body) : throw new InvalidOperationException("Load the log with its event to read the event sent.");
}

/// <summary>
/// Pending until an attempt succeeds or the attempts run out. An attempt in progress leaves the row Pending, so a
/// process that dies mid-attempt sends it again at the next start (at-least-once).
/// </summary>
public enum DeliveryState
{
    Pending = 0,
    Succeeded = 1,
    Failed = 2,
}

/// <summary>
/// The last <see cref="WebhookLog.WebhookSequence"/> given for a webhook. Kept apart from the logs, which retention
/// deletes (counting them would start a webhook over at 1), and from the webhook's own row, which admins edit: every
/// publish updates it, and a narrow row costs little to rewrite.
/// </summary>
public sealed class WebhookCounter
{
    public required string WebhookId { get; init; }

    public long LastSequence { get; set; }
}

/// <summary>One HTTP attempt of a delivery, kept so the logs panel can show each try, not just the last.</summary>
public sealed class WebhookLogAttempt
{
    public long LogId { get; init; }

    /// <summary>1 for the first try; equals the log's <c>retry</c> after this attempt.</summary>
    public int Number { get; init; }

    public DateTime StartedAt { get; init; }
    public int DurationMs { get; init; }

    /// <summary>The receiver's status code, 0 when no response came.</summary>
    public int Status { get; init; }

    public bool Succeeded { get; init; }

    /// <summary>Made because an admin pressed Resend, not by the retry schedule.</summary>
    public bool Manual { get; init; }

    /// <summary>The transport error (refused, timeout, blocked…) when no response came; empty otherwise.</summary>
    public string Error { get; init; } = "";
}
