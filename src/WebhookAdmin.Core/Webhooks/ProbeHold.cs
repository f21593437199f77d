namespace WebhookAdmin.Core.Webhooks;

/// <summary>
/// A webhook held for its probe (half-open recovery, see <c>FailingWebhooks</c>): every delivery since
/// <paramref name="FailingSince"/> failed, <paramref name="Failures"/> in a row, so its deliveries wait and one probe
/// delivery goes out at <paramref name="ProbeAt"/>. <paramref name="Failed"/>: it went out and failed, and the
/// deactivation is due at the next check. Facts, so each admin reads them in their own language and time zone.
/// </summary>
public sealed record ProbeHold(DateTime FailingSince, int Failures, DateTime ProbeAt, bool Failed)
{
    /// <summary>Null unless the webhook is active and held (a probe that succeeded holds nothing: the lane goes on at once).</summary>
    public static ProbeHold? Of(Webhook webhook) =>
        webhook is { IsActive: true, ProbeAfter: { } at, ProbeSucceeded: false }
            ? new(webhook.FailingSince ?? webhook.WarnedFailingSince ?? at, webhook.ConsecutiveFailures, at, webhook.ProbedAt is not null)
            : null;
}
