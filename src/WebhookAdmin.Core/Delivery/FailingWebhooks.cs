using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Query;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WebhookAdmin.Core.Notices;
using WebhookAdmin.Core.Storage;
using WebhookAdmin.Core.Webhooks;

namespace WebhookAdmin.Core.Delivery;

/// <summary>
/// The life of a failing webhook, one periodic check at a time. A webhook whose every delivery has failed for half of
/// <see cref="DeliveryOptions.DisableAfter"/>, then for 90 % of it (and at least as large a share of
/// <see cref="DeliveryOptions.DisableAfterFailures"/>), is said to be failing (once per streak and level).
/// Once the whole span has passed (with at least <see cref="DeliveryOptions.DisableAfterFailures"/> failures) it is not
/// deactivated at once but probed: its lane sends nothing for <see cref="DeliveryOptions.ProbeCoolDown"/>, then one
/// attempt of its next delivery (see <see cref="WebhookProbe"/>). A probe that succeeds keeps it active and it resumes by
/// itself; one that fails deactivates it, as a receiver gone for good should not fill the logs and hold retries for ever.
/// A warned webhook whose streak ends with a success is said to have recovered.
/// </summary>
/// <remarks>
/// All of it lives in the webhook's row (<see cref="Webhook.WarnedFailingSince"/>, <see cref="Webhook.ProbeAfter"/>…), so
/// a restart resumes where the check was. Every decision is a conditional update and only the instance whose update
/// changed the row says it: with several instances checking at once, each fact is said once. The writer keeps the run of
/// failures and the probe's outcome (<see cref="FailureStreak"/>). A deactivated webhook keeps its pending deliveries; the
/// panel says why and since when, and activating it again resumes them in order.
/// </remarks>
public sealed partial class FailingWebhooks(
    IDbContextFactory<WebhookAdminDbContext> dbFactory, WebhookDirectory directory, IOptions<DeliveryOptions> options, TimeProvider clock,
    IOperationalNotices notices, ILogger<FailingWebhooks> logger) : BackgroundService
{
    /// <summary>The shares of <see cref="DeliveryOptions.DisableAfter"/> after which a failing webhook is said to be failing, highest first.</summary>
    private static readonly int[] WarningPercents = [LastWarning, 50];

    private const int LastWarning = 90;

    /// <summary><see cref="Webhook.WarnedPercent"/> of a webhook being probed: past every warning.</summary>
    private const int ProbedPercent = 100;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var after = options.Value.DisableAfter;
        if (after <= TimeSpan.Zero)
            return;
        // Often enough that a webhook is warned or probed within a twentieth of the span (at most ten minutes late).
        var every = TimeSpan.FromTicks(Math.Clamp(after.Ticks / 20, TimeSpan.FromSeconds(1).Ticks, TimeSpan.FromMinutes(10).Ticks));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await CheckAsync(stoppingToken);
                await Task.Delay(every, clock, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                LogCheckFailed(e);
                await EngineTasks.PauseAsync(every, clock, stoppingToken);
            }
        }
    }

    /// <summary>One round of the check; returns what this instance decided (what another decided first is not counted).</summary>
    public async Task<FailingCheck> CheckAsync(CancellationToken cancellationToken)
    {
        if (options.Value.DisableAfter <= TimeSpan.Zero)
            return new FailingCheck(0, 0, 0, 0);
        var now = UnixTime.Truncate(clock.GetUtcNow().UtcDateTime);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        // Probes first, so that a webhook decided now is not warned or recovered again below; recoveries before warnings,
        // so that a streak's end is said before the next streak's first warning takes its place.
        var (recovered, deactivated) = await DecideProbesAsync(db, now, cancellationToken);
        recovered += await RecoveredAsync(db, now, cancellationToken);
        var warned = await WarnAsync(db, now, cancellationToken);
        var probed = await StartProbesAsync(db, now, cancellationToken);
        return new FailingCheck(warned, recovered, probed, deactivated);
    }

    /// <summary>
    /// The failures a warning at <paramref name="percent"/> needs: the same share of <see cref="DeliveryOptions.DisableAfterFailures"/>
    /// as of the time, since a webhook is deactivated only past both. A receiver that failed once and was sent nothing
    /// since is not on its way to deactivation, and a warning would say it is.
    /// </summary>
    private static int FailuresFor(int percent) => (DeliveryOptions.DisableAfterFailures * percent + 99) / 100;

    /// <summary>Says that a webhook fails, at the highest level it has reached, unless that was said of its streak.</summary>
    private async Task<int> WarnAsync(WebhookAdminDbContext db, DateTime now, CancellationToken cancellationToken)
    {
        var span = options.Value.DisableAfter;
        var halfway = now - span / 2;
        var fewest = FailuresFor(WarningPercents[^1]);
        var failing = await db.Webhooks
            .Where(w => w.IsActive && w.ProbeAfter == null && w.FailingSince != null && w.FailingSince <= halfway && w.ConsecutiveFailures >= fewest
                && (w.WarnedFailingSince == null || w.WarnedFailingSince != w.FailingSince || w.WarnedPercent < LastWarning))
            .Select(w => new { w.Id, w.CompanyId, FailingSince = w.FailingSince!.Value, w.ConsecutiveFailures, w.WarnedFailingSince, w.WarnedPercent })
            .ToListAsync(cancellationToken);
        var said = 0;
        foreach (var webhook in failing)
        {
            var percent = WarningPercents.First(p => webhook.FailingSince <= now - span * p / 100 && webhook.ConsecutiveFailures >= FailuresFor(p));
            if (webhook.WarnedFailingSince == webhook.FailingSince && webhook.WarnedPercent >= percent)
                continue;
            var streak = webhook.FailingSince;
            var updated = await db.Webhooks
                .Where(w => w.Id == webhook.Id && w.IsActive && w.ProbeAfter == null && w.FailingSince == streak
                    && (w.WarnedFailingSince == null || w.WarnedFailingSince != streak || w.WarnedPercent < percent))
                .ExecuteUpdateAsync(set => set
                    .SetProperty(w => w.WarnedFailingSince, streak)
                    .SetProperty(w => w.WarnedPercent, percent), cancellationToken);
            if (updated == 0)
                continue;
            said++;
            LogWarned(webhook.Id, percent, streak);
            await notices.WebhookFailingAsync(webhook.CompanyId, webhook.Id, percent, streak, webhook.ConsecutiveFailures, streak + span, cancellationToken);
        }
        return said;
    }

    /// <summary>
    /// Says that a warned webhook recovered when its streak ended with a success (or a new one began after it), and
    /// forgets the streak. A probe the webhook was in ends with it: the streak it was to decide is over.
    /// </summary>
    private async Task<int> RecoveredAsync(WebhookAdminDbContext db, DateTime now, CancellationToken cancellationToken)
    {
        var recovered = await db.Webhooks
            .Where(w => w.WarnedFailingSince != null && w.ProbedAt == null && (w.FailingSince == null || w.FailingSince != w.WarnedFailingSince))
            .Select(w => new { w.Id, w.CompanyId, WarnedFailingSince = w.WarnedFailingSince!.Value, w.ProbeAfter })
            .ToListAsync(cancellationToken);
        var said = 0;
        foreach (var webhook in recovered)
        {
            var streak = webhook.WarnedFailingSince;
            var updated = await db.Webhooks
                .Where(w => w.Id == webhook.Id && w.WarnedFailingSince == streak && w.ProbedAt == null
                    && (w.FailingSince == null || w.FailingSince != streak))
                .ExecuteUpdateAsync(set => Forget(set), cancellationToken);
            if (updated == 0)
                continue;
            said++;
            if (webhook.ProbeAfter is not null)
                directory.Changed(webhook.CompanyId, [webhook.Id]);
            LogRecovered(webhook.Id, streak, false);
            await notices.WebhookRecoveredAsync(webhook.CompanyId, webhook.Id, streak, now, probed: false, cancellationToken);
        }
        return said;
    }

    /// <summary>
    /// A webhook whose every delivery failed for the whole span (often enough) enters its probe: its lane holds from
    /// now on (the directory is told, so lanes here and elsewhere read it before their next attempt).
    /// </summary>
    private async Task<int> StartProbesAsync(WebhookAdminDbContext db, DateTime now, CancellationToken cancellationToken)
    {
        var since = now - options.Value.DisableAfter;
        var probeAfter = now + options.Value.ProbeCoolDown;
        var due = await db.Webhooks
            .Where(w => w.IsActive && w.ProbeAfter == null && w.FailingSince != null && w.FailingSince <= since
                && w.ConsecutiveFailures >= DeliveryOptions.DisableAfterFailures)
            .Select(w => new { w.Id, w.CompanyId, FailingSince = w.FailingSince!.Value, w.ConsecutiveFailures })
            .ToListAsync(cancellationToken);
        var started = 0;
        foreach (var webhook in due)
        {
            // Checked again in the update: a success recorded meanwhile keeps the webhook as it is.
            var updated = await db.Webhooks
                .Where(w => w.Id == webhook.Id && w.IsActive && w.ProbeAfter == null && w.FailingSince != null && w.FailingSince <= since
                    && w.ConsecutiveFailures >= DeliveryOptions.DisableAfterFailures)
                .ExecuteUpdateAsync(set => set
                    .SetProperty(w => w.ProbeAfter, probeAfter)
                    .SetProperty(w => w.ProbedAt, (DateTime?)null)
                    .SetProperty(w => w.ProbeSucceeded, false)
                    // The streak being decided, so that its end is said of it even once the writer restarted the run.
                    .SetProperty(w => w.WarnedFailingSince, w => w.FailingSince)
                    .SetProperty(w => w.WarnedPercent, ProbedPercent), cancellationToken);
            if (updated == 0)
                continue;
            started++;
            directory.Changed(webhook.CompanyId, [webhook.Id]);
            LogProbing(webhook.Id, webhook.ConsecutiveFailures, webhook.FailingSince, probeAfter);
        }
        return started;
    }

    /// <summary>Acts on the probes whose outcome the writer stored: recovery, or deactivation.</summary>
    private async Task<(int Recovered, int Deactivated)> DecideProbesAsync(WebhookAdminDbContext db, DateTime now, CancellationToken cancellationToken)
    {
        var probed = await db.Webhooks
            .Where(w => w.IsActive && w.ProbeAfter != null && w.ProbedAt != null)
            .Select(w => new
            {
                w.Id, w.CompanyId, ProbeAfter = w.ProbeAfter!.Value, ProbedAt = w.ProbedAt!.Value, w.ProbeSucceeded,
                w.FailingSince, w.WarnedFailingSince, w.ConsecutiveFailures,
            })
            .ToListAsync(cancellationToken);
        var (recovered, deactivated) = (0, 0);
        foreach (var webhook in probed)
        {
            var probe = webhook.ProbeAfter;
            var streak = webhook.WarnedFailingSince ?? webhook.FailingSince ?? webhook.ProbedAt;
            if (webhook.ProbeSucceeded)
            {
                var updated = await db.Webhooks
                    .Where(w => w.Id == webhook.Id && w.ProbeAfter == probe && w.ProbedAt != null && w.ProbeSucceeded)
                    .ExecuteUpdateAsync(set => Forget(set), cancellationToken);
                if (updated == 0)
                    continue;
                recovered++;
                directory.Changed(webhook.CompanyId, [webhook.Id]);
                LogRecovered(webhook.Id, streak, true);
                await notices.WebhookRecoveredAsync(webhook.CompanyId, webhook.Id, streak, webhook.ProbedAt, probed: true, cancellationToken);
                continue;
            }

            var failingSince = webhook.FailingSince ?? streak;
            var reason = $"Every delivery since {failingSince:yyyy-MM-dd HH:mm} UTC failed ({webhook.ConsecutiveFailures} in a row).";
            var disabled = await db.Webhooks
                .Where(w => w.Id == webhook.Id && w.IsActive && w.ProbeAfter == probe && w.ProbedAt != null && !w.ProbeSucceeded)
                .ExecuteUpdateAsync(set => Forget(set)
                    .SetProperty(w => w.IsActive, false)
                    .SetProperty(w => w.DisabledReason, reason)
                    .SetProperty(w => w.DisabledAt, now)
                    .SetProperty(w => w.ModifiedAt, now)
                    .SetProperty(w => w.Version, w => w.Version + 1), cancellationToken);
            if (disabled == 0)
                continue;
            deactivated++;
            directory.Changed(webhook.CompanyId, [webhook.Id]);
            LogDeactivated(webhook.Id, webhook.ConsecutiveFailures, failingSince);
            await notices.WebhookDisabledAsync(webhook.CompanyId, webhook.Id, failingSince, webhook.ConsecutiveFailures, now, probed: true, cancellationToken);
        }
        return (recovered, deactivated);
    }

    /// <summary>Forgets what was said of the webhook's streak and the probe it was in.</summary>
    private static UpdateSettersBuilder<Webhook> Forget(UpdateSettersBuilder<Webhook> set) => set
        .SetProperty(w => w.WarnedFailingSince, (DateTime?)null)
        .SetProperty(w => w.WarnedPercent, 0)
        .SetProperty(w => w.ProbeAfter, (DateTime?)null)
        .SetProperty(w => w.ProbedAt, (DateTime?)null)
        .SetProperty(w => w.ProbeSucceeded, false);

    [LoggerMessage(Level = LogLevel.Information, Message = "Webhook {WebhookId} has failed for {Percent} % of the time after which it is deactivated (since {Since:u}).")]
    private partial void LogWarned(string webhookId, int percent, DateTime since);

    [LoggerMessage(Level = LogLevel.Information, Message = "Webhook {WebhookId}, failing since {Since:u}, recovered (probed: {Probed}).")]
    private partial void LogRecovered(string webhookId, DateTime since, bool probed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook {WebhookId}: {Failures} deliveries in a row failed since {Since:u}; one probe at {ProbeAfter:u} decides whether it is deactivated.")]
    private partial void LogProbing(string webhookId, int failures, DateTime since, DateTime probeAfter);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook {WebhookId} deactivated: {Failures} deliveries in a row failed since {Since:u}, and its probe too.")]
    private partial void LogDeactivated(string webhookId, int failures, DateTime since);

    [LoggerMessage(Level = LogLevel.Error, Message = "Looking for failing webhooks failed; trying again later.")]
    private partial void LogCheckFailed(Exception e);
}

/// <summary>What one round of <see cref="FailingWebhooks.CheckAsync"/> decided.</summary>
public sealed record FailingCheck(int Warned, int Recovered, int Probing, int Deactivated);
