namespace WebhookAdmin.Core.Notices;

/// <summary>
/// What the delivery engine tells a company about its own webhooks: sent to the company's operations webhooks (trigger
/// <c>operations</c>) and listed in the app bar of its admins. Callers say each fact once (they decide it with a
/// conditional update, so two instances never say it twice); saying it never fails the caller's work.
/// </summary>
public interface IOperationalNotices
{
    /// <summary><c>webhook.failing</c>: every delivery since <paramref name="failingSince"/> failed, for <paramref name="percent"/> (50 or 90) of the time after which it is deactivated.</summary>
    Task WebhookFailingAsync(string companyId, string webhookId, int percent, DateTime failingSince, int failures, DateTime disableAt, CancellationToken cancellationToken);

    /// <summary><c>webhook.disabled</c>: the app deactivated the webhook at <paramref name="at"/> (<paramref name="probed"/>: after a probe that failed too).</summary>
    Task WebhookDisabledAsync(string companyId, string webhookId, DateTime failingSince, int failures, DateTime at, bool probed, CancellationToken cancellationToken);

    /// <summary><c>webhook.recovered</c>: a webhook that was failing succeeded again at <paramref name="at"/> (<paramref name="probed"/>: its probe delivery did).</summary>
    Task WebhookRecoveredAsync(string companyId, string webhookId, DateTime failingSince, DateTime at, bool probed, CancellationToken cancellationToken);
}
