using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WebhookAdmin.Core.Storage;
using WebhookAdmin.Core.Webhooks;

namespace WebhookAdmin.Core.Delivery;

/// <summary>
/// Deactivates webhooks whose every delivery has failed for <see cref="DeliveryOptions.DisableAfter"/> (at least
/// <see cref="DeliveryOptions.DisableAfterFailures"/> of them): a receiver gone for good should not fill the logs and hold
/// retries for ever. The webhook keeps its pending deliveries; the panel says why and since when, and activating it
/// again resumes them in order. The writer keeps each webhook's run of failures (<see cref="FailureStreak"/>).
/// </summary>
public sealed partial class FailingWebhooks(
    IDbContextFactory<WebhookAdminDbContext> dbFactory, WebhookDirectory directory, IOptions<DeliveryOptions> options, TimeProvider clock,
    ILogger<FailingWebhooks> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var after = options.Value.DisableAfter;
        if (after <= TimeSpan.Zero)
            return;
        // Often enough that a webhook is deactivated within a twentieth of the span (at most ten minutes late).
        var every = TimeSpan.FromTicks(Math.Clamp(after.Ticks / 20, TimeSpan.FromSeconds(1).Ticks, TimeSpan.FromMinutes(10).Ticks));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await DeactivateAsync(stoppingToken);
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

    /// <returns>How many webhooks were deactivated.</returns>
    public async Task<int> DeactivateAsync(CancellationToken cancellationToken)
    {
        if (options.Value.DisableAfter <= TimeSpan.Zero)
            return 0;
        var now = clock.GetUtcNow().UtcDateTime;
        var since = now - options.Value.DisableAfter;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var failing = await db.Webhooks
            .Where(w => w.IsActive && w.FailingSince != null && w.FailingSince <= since && w.ConsecutiveFailures >= DeliveryOptions.DisableAfterFailures)
            .Select(w => new { w.Id, w.CompanyId, w.FailingSince, w.ConsecutiveFailures })
            .ToListAsync(cancellationToken);
        foreach (var webhook in failing)
        {
            var reason = $"Every delivery since {webhook.FailingSince:yyyy-MM-dd HH:mm} UTC failed ({webhook.ConsecutiveFailures} in a row).";
            // Checked again in the update: a success recorded meanwhile keeps the webhook active.
            var deactivated = await db.Webhooks
                .Where(w => w.Id == webhook.Id && w.IsActive && w.FailingSince != null && w.FailingSince <= since)
                .ExecuteUpdateAsync(set => set
                    .SetProperty(w => w.IsActive, false)
                    .SetProperty(w => w.DisabledReason, reason)
                    .SetProperty(w => w.DisabledAt, now)
                    .SetProperty(w => w.ModifiedAt, now)
                    .SetProperty(w => w.Version, w => w.Version + 1), cancellationToken);
            if (deactivated == 0)
                continue;
            directory.Changed(webhook.CompanyId, [webhook.Id]);
            LogDeactivated(webhook.Id, webhook.ConsecutiveFailures, webhook.FailingSince!.Value);
        }
        return failing.Count;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook {WebhookId} deactivated: {Failures} deliveries in a row failed since {Since:u}.")]
    private partial void LogDeactivated(string webhookId, int failures, DateTime since);

    [LoggerMessage(Level = LogLevel.Error, Message = "Looking for failing webhooks failed; trying again later.")]
    private partial void LogCheckFailed(Exception e);
}
