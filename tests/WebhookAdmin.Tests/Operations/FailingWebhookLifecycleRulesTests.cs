using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Query;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using WebhookAdmin.Core;
using WebhookAdmin.Core.Delivery;
using WebhookAdmin.Core.Webhooks;
using WebhookAdmin.Tests.Support;

namespace WebhookAdmin.Tests.Operations;

/// <summary>
/// What the failing-webhook check decides and says, on stored rows and a clock that moves only when told: warnings at
/// 50 % and 90 % of <c>DisableAfter</c>, recovery, and the probe that stands between the threshold and a deactivation.
/// </summary>
public sealed class FailingWebhookLifecycleRulesTests : DatabaseTest
{
    private static readonly TimeSpan Span = TimeSpan.FromDays(10);
    private static readonly TimeSpan CoolDown = TimeSpan.FromMinutes(5);

    private readonly SteppedClock _clock = new();
    private readonly RecordedNotices _notices = new();

    [Fact]
    public async Task A_failing_webhook_is_warned_at_half_and_at_ninety_percent_of_the_span_once_each()
    {
        var since = _clock.Now;
        var id = await FailingAsync("Half then ninety", since, failures: 18);

        _clock.Advance(Span * 0.4);
        await CheckAsync();
        _clock.Advance(Span * 0.1);
        await CheckAsync();
        await CheckAsync();
        _clock.Advance(Span * 0.4);
        await CheckAsync();
        await CheckAsync();

        Assert.Equal(
            [new SaidNotice.Failing(Ids.Acme, id, 50, since, 18, since + Span), new SaidNotice.Failing(Ids.Acme, id, 90, since, 18, since + Span)],
            _notices.Of(id));
    }

    [Fact]
    public async Task A_check_that_first_sees_a_webhook_past_ninety_percent_says_only_ninety()
    {
        var id = await FailingAsync("Seen late", _clock.Now - Span * 0.95, failures: 18);

        await CheckAsync();
        await CheckAsync();

        Assert.Equal([90], _notices.Of(id).OfType<SaidNotice.Failing>().Select(n => n.Percent));
    }

    [Fact]
    public async Task A_warning_needs_as_large_a_share_of_the_failures_as_of_the_time()
    {
        var rare = await FailingAsync("Failed once, sent nothing since", _clock.Now - Span * 0.95, failures: 9);
        var some = await FailingAsync("Twelve failures", _clock.Now - Span * 0.95, failures: 12);

        await CheckAsync();
        await CheckAsync();

        Assert.Empty(_notices.Of(rare));
        Assert.Equal([50], _notices.Of(some).OfType<SaidNotice.Failing>().Select(n => n.Percent));
    }

    [Fact]
    public async Task A_warned_webhook_whose_streak_ends_with_a_success_is_said_to_have_recovered_once_and_forgets_the_warning()
    {
        var since = _clock.Now - Span * 0.6;
        var id = await FailingAsync("Back by itself", since, failures: 12);
        await CheckAsync();

        await SetAsync(id, set => set.SetProperty(w => w.FailingSince, (DateTime?)null).SetProperty(w => w.ConsecutiveFailures, 0));
        await CheckAsync();
        await CheckAsync();

        Assert.Equal([new SaidNotice.Failing(Ids.Acme, id, 50, since, 12, since + Span), new SaidNotice.Recovered(Ids.Acme, id, since, _clock.Now, Probed: false)],
            _notices.Of(id));
        var webhook = await WebhookAsync(id);
        Assert.Equal((null, 0), (webhook.WarnedFailingSince, webhook.WarnedPercent));
    }

    [Fact]
    public async Task A_new_streak_is_warned_again_once_the_warned_one_ended()
    {
        var first = _clock.Now - Span * 0.6;
        var id = await FailingAsync("Failing twice", first, failures: 12);
        await CheckAsync();

        // A success ended the first streak and failures began a second, which is past half of the span by now.
        var second = _clock.Now;
        await SetAsync(id, set => set.SetProperty(w => w.FailingSince, second).SetProperty(w => w.ConsecutiveFailures, 10));
        _clock.Advance(Span * 0.5);
        await CheckAsync();

        Assert.Equal(
            [
                new SaidNotice.Failing(Ids.Acme, id, 50, first, 12, first + Span),
                new SaidNotice.Recovered(Ids.Acme, id, first, _clock.Now, Probed: false),
                new SaidNotice.Failing(Ids.Acme, id, 50, second, 10, second + Span),
            ],
            _notices.Of(id));
    }

    [Fact]
    public async Task Reaching_the_threshold_starts_a_probe_after_the_cool_down_instead_of_deactivating()
    {
        var since = _clock.Now - Span - TimeSpan.FromHours(1);
        var probed = await FailingAsync("Long and often", since, failures: DeliveryOptions.DisableAfterFailures);
        var tooFew = await FailingAsync("Too few", since, failures: DeliveryOptions.DisableAfterFailures - 1);

        var check = await CheckAsync();

        Assert.Equal(1, check.Probing);
        var webhook = await WebhookAsync(probed);
        Assert.Equal((true, UnixTime.Truncate(_clock.Now + CoolDown), null, since, 100),
            (webhook.IsActive, webhook.ProbeAfter, webhook.ProbedAt, webhook.WarnedFailingSince, webhook.WarnedPercent));
        Assert.Null((await WebhookAsync(tooFew)).ProbeAfter);
        Assert.DoesNotContain(_notices.Said, n => n is SaidNotice.Disabled);
    }

    [Fact]
    public async Task A_probe_that_failed_deactivates_the_webhook_and_says_so_once()
    {
        var since = _clock.Now - Span - TimeSpan.FromHours(1);
        var id = await ProbedAsync("Gone for good", since, succeeded: false);

        var check = await CheckAsync();
        await CheckAsync();

        Assert.Equal(1, check.Deactivated);
        var webhook = await WebhookAsync(id);
        Assert.Equal((false, _clock.Now, null, null, 0), (webhook.IsActive, webhook.DisabledAt, webhook.ProbeAfter, webhook.WarnedFailingSince, webhook.WarnedPercent));
        Assert.Equal($"Every delivery since {since:yyyy-MM-dd HH:mm} UTC failed (25 in a row).", webhook.DisabledReason);
        Assert.Equal(new SaidNotice.Disabled(Ids.Acme, id, since, 25, _clock.Now, Probed: true), Assert.Single(_notices.Of(id), n => n is not SaidNotice.Failing));
    }

    [Fact]
    public async Task A_probe_that_succeeded_keeps_the_webhook_active_and_says_it_recovered_once()
    {
        var since = _clock.Now - Span - TimeSpan.FromHours(1);
        var id = await ProbedAsync("Back after the pause", since, succeeded: true);
        var probedAt = (await WebhookAsync(id)).ProbedAt!.Value;

        var check = await CheckAsync();
        await CheckAsync();

        Assert.Equal((1, 0), (check.Recovered, check.Deactivated));
        var webhook = await WebhookAsync(id);
        Assert.Equal((true, null, null, null), (webhook.IsActive, webhook.ProbeAfter, webhook.ProbedAt, webhook.WarnedFailingSince));
        Assert.Equal(new SaidNotice.Recovered(Ids.Acme, id, since, probedAt, Probed: true), Assert.Single(_notices.Of(id), n => n is not SaidNotice.Failing));
    }

    [Fact]
    public async Task Activating_a_webhook_deactivated_after_its_probe_forgets_the_probe_and_what_was_said()
    {
        var id = await ProbedAsync("Reactivated", _clock.Now - Span - TimeSpan.FromHours(1), succeeded: false);
        await CheckAsync();

        var activated = Get<WebhookService>().SetActiveAsync(Ids.Acme, id, true);
        (await activated).Saved();

        var webhook = await WebhookAsync(id);
        Assert.Equal((true, null, null, false, null, 0, null, 0),
            (webhook.IsActive, webhook.ProbeAfter, webhook.ProbedAt, webhook.ProbeSucceeded, webhook.WarnedFailingSince, webhook.WarnedPercent,
                webhook.FailingSince, webhook.ConsecutiveFailures));
        await CheckAsync();
        Assert.DoesNotContain(_notices.Of(id), n => n is SaidNotice.Recovered);
    }

    [Fact]
    public async Task Instances_checking_at_the_same_time_say_each_fact_once()
    {
        var since = _clock.Now - Span * 2;
        var disabled = await FailingAsync("Disabled", since, failures: 25);
        var recovered = await FailingAsync("Recovered", since, failures: 25);
        await CheckAsync();
        _clock.Advance(CoolDown);
        await ProbeMadeAsync(disabled, since, succeeded: false);
        await ProbeMadeAsync(recovered, since, succeeded: true);
        var warned = await FailingAsync("Warned", _clock.Now - Span * 0.6, failures: 12);
        var others = Enumerable.Range(0, 3).Select(_ => new RecordedNotices()).ToArray();

        await Task.WhenAll(others.Select(notices => Checker(notices).CheckAsync(CancellationToken.None)));

        var said = others.SelectMany(n => n.Said).ToArray();
        Assert.Single(said, n => n is SaidNotice.Failing && n.WebhookId == warned);
        Assert.Single(said, n => n is SaidNotice.Disabled && n.WebhookId == disabled);
        Assert.Single(said, n => n is SaidNotice.Recovered && n.WebhookId == recovered);
        Assert.Equal(3, said.Length);
    }

    [Fact]
    public async Task A_span_of_zero_never_warns_nor_probes()
    {
        var id = await FailingAsync("Failing for a year", _clock.Now - TimeSpan.FromDays(365), failures: 10_000);

        await Checker(_notices, TimeSpan.Zero).CheckAsync(CancellationToken.None);

        Assert.Null((await WebhookAsync(id)).ProbeAfter);
        Assert.Empty(_notices.Said);
    }

    private Task<FailingCheck> CheckAsync() => Checker(_notices).CheckAsync(CancellationToken.None);

    private FailingWebhooks Checker(RecordedNotices notices, TimeSpan? span = null) =>
        new(Db.Contexts, Get<WebhookDirectory>(), Options.Create(new DeliveryOptions { DisableAfter = span ?? Span, ProbeCoolDown = CoolDown }), _clock,
            notices, NullLogger<FailingWebhooks>.Instance);

    private async Task<string> FailingAsync(string name, DateTime since, int failures)
    {
        var id = (await Get<WebhookService>().CreateAsync(Ids.Acme, Drafts.User(name))).Saved().Id;
        await SetAsync(id, set => set.SetProperty(w => w.FailingSince, since).SetProperty(w => w.ConsecutiveFailures, failures));
        return id;
    }

    /// <summary>A webhook past the threshold whose probe the writer recorded, as the lane would have made it after the cool-down.</summary>
    private async Task<string> ProbedAsync(string name, DateTime since, bool succeeded)
    {
        var id = await FailingAsync(name, since, failures: 25);
        await CheckAsync();
        _clock.Advance(CoolDown + TimeSpan.FromSeconds(1));
        await ProbeMadeAsync(id, since, succeeded);
        return id;
    }

    private Task ProbeMadeAsync(string id, DateTime since, bool succeeded) =>
        SetAsync(id, set => set.SetProperty(w => w.ProbedAt, _clock.Now).SetProperty(w => w.ProbeSucceeded, succeeded)
            .SetProperty(w => w.FailingSince, succeeded ? null : since).SetProperty(w => w.ConsecutiveFailures, succeeded ? 0 : 25));

    private async Task SetAsync(string id, Action<UpdateSettersBuilder<Webhook>> set)
    {
        await using var db = await Db.Contexts.CreateDbContextAsync();
        await db.Webhooks.Where(w => w.Id == id).ExecuteUpdateAsync(set);
    }

    private async Task<Webhook> WebhookAsync(string id)
    {
        await using var db = await Db.Contexts.CreateDbContextAsync();
        return await db.Webhooks.AsNoTracking().SingleAsync(w => w.Id == id);
    }

    /// <summary>Whole milliseconds, as storage keeps them, so that what is read back equals what was set.</summary>
    private sealed class SteppedClock : TimeProvider
    {
        private DateTime _now = UnixTime.Truncate(DateTime.UtcNow);

        public DateTime Now => _now;

        public void Advance(TimeSpan by) => _now = UnixTime.Truncate(_now + by);

        public override DateTimeOffset GetUtcNow() => new(_now);
    }
}
