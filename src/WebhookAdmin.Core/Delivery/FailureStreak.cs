using WebhookAdmin.Core.Logs;

namespace WebhookAdmin.Core.Delivery;

/// <summary>
/// What a batch of attempt records does to one webhook's run of failures, which decides automatic deactivation
/// (<see cref="DeliveryOptions.DisableAfter"/>). <see cref="Restarted"/>: a delivery succeeded in the batch, so the run
/// starts over from what came after it; otherwise <see cref="Failures"/> add to the run already stored.
/// </summary>
public readonly record struct FailureStreak(string WebhookId, bool Restarted, DateTime? FirstFailure, int Failures)
{
    /// <summary>One streak per webhook whose deliveries finished in <paramref name="attempts"/> (in the order recorded).</summary>
    public static IReadOnlyList<FailureStreak> Of(IEnumerable<AttemptWrite> attempts)
    {
        var streaks = new Dictionary<string, FailureStreak>(StringComparer.Ordinal);
        foreach (var attempt in attempts)
        {
            if (attempt.State == DeliveryState.Pending)
                continue;
            var streak = streaks.TryGetValue(attempt.WebhookId, out var known) ? known : new FailureStreak(attempt.WebhookId, false, null, 0);
            streaks[attempt.WebhookId] = attempt.State == DeliveryState.Succeeded
                ? streak with { Restarted = true, FirstFailure = null, Failures = 0 }
                : streak with { FirstFailure = streak.FirstFailure ?? attempt.Attempt.StartedAt, Failures = streak.Failures + 1 };
        }
        return [.. streaks.Values];
    }
}
