using WebhookAdmin.Core.Logs;

namespace WebhookAdmin.Core.Delivery;

/// <summary>What an attempt means for its delivery: done, failed for good, or a retry after <see cref="DeliveryOptions.RetryDelay"/>.</summary>
public static class AttemptOutcome
{
    /// <summary>Moves <paramref name="delivery"/> past the attempt and returns the record of it to store.</summary>
    /// <param name="probe">The attempt was its webhook's probe (<see cref="WebhookProbe"/>).</param>
    public static AttemptWrite Apply(QueuedDelivery delivery, AttemptResult result, DeliveryOptions options, DateTime now, bool probe = false)
    {
        var manual = delivery.Manual;
        var retry = delivery.AttemptNumber;
        // A manual resend is one attempt: if it fails, the admin decides what happens next.
        var state = result.Succeeded ? DeliveryState.Succeeded
            : manual || retry >= options.MaxAttempts ? DeliveryState.Failed
            : DeliveryState.Pending;
        // Rounded up to the millisecond storage keeps: a retry may come late by a fraction of one, never early.
        var next = state == DeliveryState.Pending ? UnixTime.CeilingToMillisecond(now + options.RetryDelay) : delivery.NextAttemptAt;

        delivery.Retry = retry;
        delivery.Manual = false;
        delivery.NextAttemptAt = next;
        return new AttemptWrite(delivery.LogId, delivery.WebhookId, retry, state, result.Status, result.Response, next, new WebhookLogAttempt
        {
            LogId = delivery.LogId,
            Number = retry,
            StartedAt = UnixTime.Truncate(result.StartedAt),
            DurationMs = (int)Math.Min(int.MaxValue, result.Duration.TotalMilliseconds),
            Status = result.Status,
            Succeeded = result.Succeeded,
            Error = result.TransportError ? result.Response : "",
            Manual = manual,
        })
        { Probe = probe };
    }
}
