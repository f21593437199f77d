using System.ComponentModel.DataAnnotations;
using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WebhookAdmin.Core.Delivery;
using WebhookAdmin.Core.Storage;

namespace WebhookAdmin.Core.Logs;

/// <summary><c>Webhooks:Logs</c>: how long finished delivery logs are kept.</summary>
public sealed class LogOptions
{
    public const string SectionName = "Webhooks:Logs";

    /// <summary>Finished logs (SUCCESS or FAILED) older than this are deleted, with their attempts and events. <c>00:00:00</c>: kept for ever.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "3650.00:00:00", ErrorMessage = "Retention must be between 00:00:00 (for ever) and 3650.00:00:00.")]
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How often the purge runs.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00", ErrorMessage = "PurgeInterval must be between 00:00:01 and 1.00:00:00.")]
    public TimeSpan PurgeInterval { get; set; } = TimeSpan.FromMinutes(10);
}

/// <summary>
/// Deletes finished logs older than <see cref="LogOptions.Retention"/>, then the events nothing refers to any more. It
/// works a webhook at a time, <see cref="BatchSize"/> logs per transaction, and rests after each transaction for
/// <see cref="RestFactor"/> times as long as it took: on SQLite each transaction holds the one write lock the delivery
/// writer needs, so the purge takes at most a small share of it whatever the disk's speed (a million logs take a few
/// minutes, and delivery latency stays near its quiet value meanwhile: see the benchmark). Pending deliveries are
/// never deleted, however old. With several instances it runs on one at a time, the holder of its
/// <see cref="ClusterDuty"/>, renewed between transactions; another instance takes it over when the holder dies.
/// </summary>
public sealed partial class LogRetention(
    IDbContextFactory<WebhookAdminDbContext> dbFactory, IOptions<LogOptions> options, TimeProvider clock, ILogger<LogRetention> logger,
    IClusterDuties duties, IOptions<DeliveryOptions> deliveryOptions) : BackgroundService
{
    /// <summary>Logs per transaction: about a millisecond of the database's write lock each.</summary>
    public const int BatchSize = 250;

    /// <summary>Rest after a transaction, as a multiple of its duration: the purge holds the write lock a twentieth of the time at most.</summary>
    public const int RestFactor = 19;

    private static readonly TimeSpan ShortestRest = TimeSpan.FromMilliseconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.Retention <= TimeSpan.Zero)
            return;
        var duty = new ClusterDuty(duties, "retention", deliveryOptions.Value.LeaseTimeout, clock);
        // Due at once: at start, and on taking the duty over from an instance that may have died before its purge.
        var dueAt = clock.GetTimestamp();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    if (await duty.HoldAsync(stoppingToken) && clock.GetElapsedTime(dueAt) >= TimeSpan.Zero)
                    {
                        // A failed purge waits for its next turn too, rather than hammer a database in trouble.
                        dueAt = clock.GetTimestamp() + (long)(options.Value.PurgeInterval.TotalSeconds * clock.TimestampFrequency);
                        var purged = await PurgeAsync(duty, stoppingToken);
                        if (purged > 0)
                            LogPurged(purged);
                    }
                }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    LogPurgeFailed(e);
                }
                // Renewed (or asked for) every tenth of the lease time in between, so the duty stays with its holder.
                var untilDue = -clock.GetElapsedTime(dueAt);
                await Task.Delay(untilDue > TimeSpan.Zero && untilDue < duty.PollEvery ? untilDue : duty.PollEvery, clock, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            // A clean stop gives the duty back, so another instance takes it at its next ask.
            if (await duty.ReleaseAsync() is { } failure)
                LogReleaseFailed(failure);
        }
    }

    /// <returns>How many logs were deleted.</returns>
    public Task<long> PurgeAsync(CancellationToken cancellationToken) => PurgeAsync(null, cancellationToken);

    /// <param name="duty">Renewed between transactions; the purge stops when another instance has taken it.</param>
    private async Task<long> PurgeAsync(ClusterDuty? duty, CancellationToken cancellationToken)
    {
        if (options.Value.Retention <= TimeSpan.Zero)
            return 0;
        var before = UnixTime.Truncate(clock.GetUtcNow().UtcDateTime - options.Value.Retention);
        List<string> webhooks;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
            webhooks = await db.Webhooks.Select(w => w.Id).ToListAsync(cancellationToken);

        long purged = 0;
        foreach (var webhookId in webhooks)
        {
            while (true)
            {
                var started = Stopwatch.GetTimestamp();
                var (chosen, deleted) = await PurgeBatchAsync(webhookId, before, cancellationToken);
                purged += deleted;
                if (duty is not null && !await duty.KeepAsync(cancellationToken))
                {
                    LogDutyLost(purged);
                    return purged;
                }
                if (chosen < BatchSize)
                    break;
                await RestAsync(started, cancellationToken);
            }
        }
        await PurgeEventsAsync(before, cancellationToken);
        return purged;
    }

    /// <summary>
    /// The oldest finished logs of one webhook, found on its (WebhookId, CreatedAt) index, with their attempts (the
    /// foreign key's cascade). The delete checks again what the select chose them by: a resend committed in between
    /// puts a log back to pending, and it stays; so does one already delivered by then (its attempt is recent). The select takes no lock, so on SQLite the write lock is held for the
    /// delete alone.
    /// </summary>
    /// <returns>How many logs were chosen (a full batch: there may be more), and how many of them were deleted.</returns>
    private async Task<(int Chosen, int Deleted)> PurgeBatchAsync(string webhookId, DateTime before, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var ids = await db.WebhookLogs
            .Where(l => l.WebhookId == webhookId && l.CreatedAt < before && l.State != DeliveryState.Pending)
            .OrderBy(l => l.CreatedAt)
            .Select(l => l.Id)
            .Take(BatchSize)
            .ToListAsync(cancellationToken);
        if (ids.Count == 0)
            return (0, 0);
        if (BeforeDelete is { } hook)
            await hook(ids);
        var deleted = await db.WebhookLogs
            .Where(l => ids.Contains(l.Id) && l.CreatedAt < before && l.State != DeliveryState.Pending
                && !db.WebhookLogAttempts.Any(a => a.LogId == l.Id && a.StartedAt >= before))
            .ExecuteDeleteAsync(cancellationToken);
        return (ids.Count, deleted);
    }

    /// <summary>Tests: runs between choosing a batch of logs and deleting it (to commit a resend there).</summary>
    internal Func<IReadOnlyList<long>, Task>? BeforeDelete { get; set; }

    /// <summary>Events published before the cut that no log refers to any more, oldest first (sequence order is time order).</summary>
    private async Task PurgeEventsAsync(DateTime before, CancellationToken cancellationToken)
    {
        long after = 0;
        while (true)
        {
            var started = Stopwatch.GetTimestamp();
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var chunk = await db.Events.Where(e => e.Sequence > after).OrderBy(e => e.Sequence).Take(BatchSize)
                .Select(e => new { e.Sequence, e.PublishedAt }).ToListAsync(cancellationToken);
            var old = chunk.Where(e => e.PublishedAt < before).Select(e => e.Sequence).ToList();
            if (old.Count == 0)
                return;
            await db.Events.Where(e => old.Contains(e.Sequence) && !db.WebhookLogs.Any(l => l.Sequence == e.Sequence))
                .ExecuteDeleteAsync(cancellationToken);
            after = chunk[^1].Sequence;
            await RestAsync(started, cancellationToken);
        }
    }

    private Task RestAsync(long started, CancellationToken cancellationToken)
    {
        var rest = Stopwatch.GetElapsedTime(started) * RestFactor;
        return Task.Delay(rest < ShortestRest ? ShortestRest : rest, clock, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Count} delivery logs past their retention.")]
    private partial void LogPurged(long count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Another instance took the logs' retention over; this one stopped its purge after {Count} logs.")]
    private partial void LogDutyLost(long count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Giving the logs' retention back at shutdown failed; another instance takes it when its term runs out.")]
    private partial void LogReleaseFailed(Exception e);

    [LoggerMessage(Level = LogLevel.Error, Message = "Deleting old delivery logs failed; trying again later.")]
    private partial void LogPurgeFailed(Exception e);
}
