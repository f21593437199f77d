using WebhookAdmin.Core.Webhooks;

namespace WebhookAdmin.Core.Delivery;

/// <summary>
/// A webhook's half-open recovery, as its lane reads it with the target: nothing is sent before <see cref="After"/>, then
/// one attempt, the probe. <see cref="MadeAt"/> and <see cref="Succeeded"/> are its outcome once the writer stored it;
/// <see cref="FailingWebhooks"/> then keeps the webhook (clearing the probe) or deactivates it.
/// </summary>
public sealed record WebhookProbe(DateTime After, DateTime? MadeAt, bool Succeeded)
{
    public static WebhookProbe? Of(Webhook webhook) =>
        webhook.ProbeAfter is { } after ? new(after, webhook.ProbedAt, webhook.ProbeSucceeded) : null;
}

/// <summary>
/// What a webhook's probe lets its lane do. The lane remembers the probe it made itself, because the writer stores the
/// outcome a little later and the target it reads is cached: without that memory it would probe twice.
/// </summary>
internal sealed class LaneProbe
{
    /// <summary>
    /// The longest a held lane sleeps before reading its target again. A change made here or elsewhere wakes it at once
    /// (<see cref="IDeliveryTargets.WebhooksChanged"/>); this only covers news that was missed, as the directory's own
    /// refresh does.
    /// </summary>
    private static readonly TimeSpan Recheck = WebhookDirectory.RefreshAfter;

    private (DateTime After, bool Succeeded)? _made;

    /// <summary>How long the lane must send nothing; null when it may send (normally, or the probe).</summary>
    public TimeSpan? HoldFor(WebhookProbe? probe, DateTime now)
    {
        if (probe is null)
            return null;
        return OutcomeOf(probe) switch
        {
            true => null, // the receiver is back: the checker clears the probe at its next round, no need to wait for it
            false => Recheck, // held until the checker deactivates the webhook (or an admin steps in)
            null when probe.After > now => probe.After - now < Recheck ? probe.After - now : Recheck,
            null => null,
        };
    }

    /// <summary>Whether the next attempt is the probe of <paramref name="probe"/>.</summary>
    public bool IsProbe(WebhookProbe? probe) => probe is not null && OutcomeOf(probe) is null;

    public void Made(WebhookProbe probe, bool succeeded) => _made = (probe.After, succeeded);

    private bool? OutcomeOf(WebhookProbe probe) =>
        probe.MadeAt is not null ? probe.Succeeded
        : _made is { } made && made.After == probe.After ? made.Succeeded
        : null;
}
