namespace WebhookAdmin.Core.Webhooks;

/// <summary>
/// The app deactivated a webhook whose deliveries all failed (<c>Webhooks:Delivery:DisableAfter</c>): every delivery
/// since <paramref name="FailingSince"/> failed, <paramref name="Failures"/> in a row, and it gave up at <paramref name="At"/>.
/// Facts rather than the stored English sentence, so each admin reads them in their own language and time zone.
/// </summary>
public sealed record AutomaticDeactivation(DateTime FailingSince, int Failures, DateTime At)
{
    public static AutomaticDeactivation? Of(Webhook webhook) =>
        Of(webhook.IsActive, webhook.DisabledAt, webhook.FailingSince, webhook.ConsecutiveFailures);

    /// <summary>Null when the webhook is active or an admin deactivated it.</summary>
    public static AutomaticDeactivation? Of(bool isActive, DateTime? disabledAt, DateTime? failingSince, int failures) =>
        !isActive && disabledAt is { } at ? new(failingSince ?? at, failures, at) : null;
}
