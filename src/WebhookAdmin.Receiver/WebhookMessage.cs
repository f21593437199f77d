using System.Text.Json;

namespace WebhookAdmin.Receiving;

/// <summary>One verified delivery, handed to the application in <see cref="Sequence"/> order, once.</summary>
/// <param name="Id">The <c>webhook-id</c>: the same on every retry and resend of the delivery.</param>
/// <param name="Sequence">The <c>webhook-sequence</c>: 1, 2, 3… per webhook.</param>
/// <param name="Body">The event (a COTEvent), exactly as signed.</param>
/// <param name="Timestamp">The <c>webhook-timestamp</c> of the request (or of the catch-up read) it came with.</param>
/// <param name="CaughtUp">Read from the catch-up API to fill a gap, rather than pushed.</param>
public sealed record WebhookMessage(string Id, long Sequence, DateTimeOffset Timestamp, string Body, bool CaughtUp)
{
    /// <summary>The body parsed.</summary>
    public JsonElement Event => JsonDocument.Parse(Body).RootElement.Clone();
}
