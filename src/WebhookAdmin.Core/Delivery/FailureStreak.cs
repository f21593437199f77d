using WebhookAdmin.Core.Logs;

namespace WebhookAdmin.Core.Delivery;

/// <summary>
/// What a batch of attempt records does to one webhook's run of failures, which decides automatic deactivation
/// (<see cref="DeliveryOptions.DisableAfter"/>). <see cref="Restarted"/>: a delivery succeeded in the batch, so the run
/// starts over from what came after it; otherwise <see cref="Failures"/> add to the run already stored.
/// <see cref="ProbedAt"/>: the batch holds the webhook's probe (<see cref="WebhookProbe"/>), made then, and
/// <see cref="ProbeSucceeded"/> says how it went; it counts even when its delivery is still pending (it has retries
/// left), which the run of finished deliveries would not show.
/// </summary>
public readonly record struct FailureStreak(string WebhookId, bool Restarted, DateTime? FirstFailure, int Failures, DateTime? ProbedAt = null, bool ProbeSucceeded = false)
{
    /// <summary>One streak per webhook whose deliveries finished, or whose probe was made, in <paramref name="attempts"/> (in the order recorded).</summary>
    public static IReadOnlyList<FailureStreak> Of(IEnumerable<AttemptWrite> attempts)
    {
        var streaks = new Dictionary<string, FailureStreak>(StringComparer.Ordinal);
        foreach (var attempt in attempts)
        {
            if (attempt.State == DeliveryState.Pending && !attempt.Probe)
                continue;
            var streak = streaks.TryGetValue(attempt.WebhookId, out var known) ? known : new FailureStreak(attempt.WebhookId, false, null, 0);
            if (attempt.Probe)
                streak = streak with { ProbedAt = attempt.Attempt.StartedAt, ProbeSucceeded = attempt.State == DeliveryState.Succeeded };
            streaks[attempt.WebhookId] = attempt.State switch
            {
                DeliveryState.Pending => streak,
                DeliveryState.Succeeded => streak with { Restarted = true, FirstFailure = null, Failures = 0 },
                _ => streak with { FirstFailure = streak.FirstFailure ?? attempt.Attempt.StartedAt, Failures = streak.Failures + 1 },
            };
        }
        return [.. streaks.Values];
    }
}
