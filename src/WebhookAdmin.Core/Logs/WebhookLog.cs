namespace WebhookAdmin.Core.Logs;

/// <summary>One delivery of one event to one webhook: the stored form of the documented COTWebhookLog.</summary>
public sealed class WebhookLog
{
    public required string Id { get; init; }
    public required string CompanyId { get; init; }

    /// <summary>The webhook (the documented <c>subscription</c>).</summary>
    public required string WebhookId { get; init; }

    /// <summary>When the event triggered the webhook; the logs list is ordered by it, newest first.</summary>
    public DateTime CreatedAt { get; init; }

    /// <summary>The receiver's HTTP status, 0 while no response has come.</summary>
    public int Status { get; set; }

    /// <summary>Attempts made so far.</summary>
    public int Retry { get; set; }

    /// <summary>The receiver's body (bounded) or the transport error.</summary>
    public string Response { get; set; } = "";

    /// <summary>The COTEvent exactly as sent, kept as JSON text so the log shows the bytes the receiver got.</summary>
    public required string EventJson { get; init; }

    public int Version { get; set; }
}
