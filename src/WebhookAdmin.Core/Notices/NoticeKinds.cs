namespace WebhookAdmin.Core.Notices;

/// <summary>
/// The operational events, as the <c>event</c> of a body of type <see cref="Type"/>: what an operations webhook (trigger
/// <c>operations</c>) receives. Only the app publishes them; the events API refuses the type.
/// </summary>
public static class NoticeKinds
{
    public const string Type = "COTOperations";

    public const string WebhookFailing = "webhook.failing";
    public const string WebhookDisabled = "webhook.disabled";
    public const string WebhookRecovered = "webhook.recovered";
    public const string DeliveryExhausted = "delivery.exhausted";

    public static IReadOnlyList<string> All { get; } = [WebhookFailing, WebhookDisabled, WebhookRecovered, DeliveryExhausted];
}
