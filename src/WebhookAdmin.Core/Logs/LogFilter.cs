namespace WebhookAdmin.Core.Logs;

public enum LogResult
{
    All,
    Success,
    Failed,

    /// <summary>Not finished yet: waiting for its first attempt or for a retry.</summary>
    Pending,
}

/// <summary>What the logs tab narrows a webhook's deliveries by; every part is optional.</summary>
/// <param name="From">Inclusive lower bound of the execution date (UTC).</param>
/// <param name="To">Exclusive upper bound of the execution date (UTC).</param>
public sealed record LogFilter(
    LogResult Result = LogResult.All,
    int? Status = null,
    DateTime? From = null,
    DateTime? To = null,
    string? EventType = null)
{
    public static LogFilter None { get; } = new();
}

/// <summary>One line of the logs table: what the list shows, without the (possibly large) event body.</summary>
/// <param name="IsTest">The event is a test sent from the settings panel or the API (<see cref="Events.SampleEvents"/>).</param>
/// <param name="Sequence">The delivery's <c>webhook-sequence</c> (<see cref="WebhookLog.WebhookSequence"/>).</param>
public sealed record LogRow(
    string Id, DateTime CreatedAt, DeliveryState State, int Status, int Retry, string EventType, string EventName, bool IsTest = false, long Sequence = 0);

/// <summary>A page of rows and whether an older page follows (known without counting the whole table).</summary>
/// <summary>A log as the API lists it, without its event's body (read while the answer is written).</summary>
/// <param name="Key">The storage key (<see cref="WebhookLog.Id"/>).</param>
public sealed record LogEntry(
    long Key, DateTime CreatedAt, string CompanyId, int Status, int Retry, string Response, long Sequence, string WebhookId, int Version, long WebhookSequence)
{
    /// <summary>The documented <c>_id</c>.</summary>
    public string PublicId => ObjectId.OfLog(CreatedAt, Key);
}

public sealed record Page<T>(IReadOnlyList<T> Items, int Number, int Size, bool HasMore);
