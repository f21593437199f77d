using WebhookAdmin.Core.Delivery;
using WebhookAdmin.Core.Logs;

namespace WebhookAdmin.Tests.Delivery;

/// <summary>What one batch of attempt records does to each webhook's run of failures.</summary>
public sealed class FailureStreakTests
{
    private static readonly DateTime Noon = new(2026, 11, 28, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Failures_add_to_the_stored_run_from_the_first_one_in_the_batch()
    {
        var streak = Assert.Single(FailureStreak.Of([Record("a", DeliveryState.Failed, 1), Record("a", DeliveryState.Failed, 2)]));

        Assert.Equal(new FailureStreak("a", Restarted: false, Noon.AddMinutes(1), 2), streak);
    }

    [Fact]
    public void A_success_restarts_the_run_from_what_came_after_it()
    {
        var streaks = FailureStreak.Of([
            Record("a", DeliveryState.Failed, 1), Record("a", DeliveryState.Succeeded, 2), Record("a", DeliveryState.Failed, 3),
            Record("b", DeliveryState.Failed, 4), Record("b", DeliveryState.Succeeded, 5)]);

        Assert.Equal([new FailureStreak("a", true, Noon.AddMinutes(3), 1), new FailureStreak("b", true, null, 0)], streaks.OrderBy(s => s.WebhookId));
    }

    [Fact]
    public void An_attempt_that_will_be_retried_changes_nothing()
    {
        Assert.Empty(FailureStreak.Of([Record("a", DeliveryState.Pending, 1)]));
    }

    private static AttemptWrite Record(string webhookId, DeliveryState state, int minute) =>
        new(minute, webhookId, 1, state, state == DeliveryState.Succeeded ? 200 : 500, "", Noon,
            new WebhookLogAttempt { LogId = minute, Number = 1, StartedAt = Noon.AddMinutes(minute), Status = state == DeliveryState.Succeeded ? 200 : 500 });
}
