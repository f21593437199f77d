using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WebhookAdmin.Core.Delivery;
using WebhookAdmin.Core.Logs;
using WebhookAdmin.Core.Storage;

namespace WebhookAdmin.Core.Recovery;

/// <summary>
/// Works the running <see cref="RecoveryJob"/>s: each batch puts the job's next failed deliveries back into the queue,
/// oldest first (by <c>webhook-sequence</c>), and moves the job's cursor past them in the same transaction, so a restart
/// resumes after the last committed batch and never requeues a delivery twice. Deliveries that are no longer FAILED
/// (succeeded or pending meanwhile) are passed over. The cursor's update is conditioned on the cursor read and on the
/// job still running: a cancel, or another worker that took the job meanwhile, rolls the batch back whole.
/// With several instances it runs on one at a time, the holder of its <see cref="ClusterDuty"/>, renewed between batches;
/// another takes the jobs over when the holder dies (after <c>LeaseTimeout</c>) and continues from their cursors.
/// </summary>
public sealed partial class RecoveryWorker(
    IDbContextFactory<WebhookAdminDbContext> dbFactory, DeliveryResender resender, RecoveryWakeup wakeup, IClusterDuties duties,
    IOptions<RecoveryOptions> options, IOptions<DeliveryOptions> deliveryOptions, TimeProvider clock, ILogger<RecoveryWorker> logger) : BackgroundService
{
    /// <summary>
    /// Rest after a batch, as a multiple of its duration: on SQLite every batch holds the write lock the delivery writer
    /// needs, so a recovery takes at most a fifth of it, and the requeued deliveries start going out meanwhile.
    /// </summary>
    private const int RestFactor = 4;

    /// <summary>Tests: runs after each committed batch, with the job as it now stands.</summary>
    internal Func<RecoveryJob, CancellationToken, Task>? AfterBatch { get; set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var duty = new ClusterDuty(duties, "recovery", deliveryOptions.Value.LeaseTimeout, clock);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    if (await duty.HoldAsync(stoppingToken))
                        await WorkAsync(duty, stoppingToken);
                }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    LogWorkFailed(e);
                }
                // Renewed (or asked for) every tenth of the lease time; a job started here rings at once.
                await wakeup.WaitAsync(duty.PollEvery, clock, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the jobs keep their cursors, and the next holder continues them.
        }
        finally
        {
            if (await duty.ReleaseAsync() is { } failure)
                LogReleaseFailed(failure);
        }
    }

    /// <summary>A batch of each running job in turn, until none runs or the duty is lost.</summary>
    private async Task WorkAsync(ClusterDuty duty, CancellationToken cancellationToken)
    {
        while (true)
        {
            List<string> running;
            await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
                running = await db.RecoveryJobs.Where(j => j.State == RecoveryState.Running)
                    .OrderBy(j => j.CreatedAt).Select(j => j.Id).ToListAsync(cancellationToken);
            if (running.Count == 0)
                return;
            foreach (var jobId in running)
            {
                var started = Stopwatch.GetTimestamp();
                if (await BatchAsync(jobId, cancellationToken) is { } job && AfterBatch is { } hook)
                    await hook(job, cancellationToken);
                if (!await duty.KeepAsync(cancellationToken))
                {
                    LogDutyLost();
                    return;
                }
                var rest = Stopwatch.GetElapsedTime(started) * RestFactor;
                await Task.Delay(rest, clock, cancellationToken);
            }
        }
    }

    /// <summary>One batch of one job.</summary>
    /// <returns>The job after the batch; null when the batch was not applied (cancelled, finished or taken meanwhile).</returns>
    private async Task<RecoveryJob?> BatchAsync(string jobId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var job = await db.RecoveryJobs.AsNoTracking().SingleOrDefaultAsync(j => j.Id == jobId && j.State == RecoveryState.Running, cancellationToken);
        if (job is null)
            return null;
        var now = UnixTime.Truncate(clock.GetUtcNow().UtcDateTime);
        if (!await db.Webhooks.AnyAsync(w => w.Id == job.WebhookId && w.IsActive, cancellationToken))
        {
            // Deactivated meanwhile: requeued deliveries would wait unsent, so the job stops and says so.
            await RecoveryJobs.FinishAsync(db, job.Id, RecoveryState.Failed, now, cancellationToken);
            return null;
        }

        var batchSize = options.Value.BatchSize;
        var batch = await db.WebhookLogs
            .Where(l => l.WebhookId == job.WebhookId && l.State == DeliveryState.Failed
                && l.WebhookSequence > job.Cursor && l.WebhookSequence <= job.UpToSequence
                && l.CreatedAt >= job.Since && l.CreatedAt < job.Until)
            .OrderBy(l => l.WebhookSequence)
            .Take(batchSize)
            .Select(l => new { l.Id, l.WebhookSequence })
            .ToListAsync(cancellationToken);
        // The batch that reaches the job's last delivery ends it, without a transaction more to find nothing.
        var last = batch.Count < batchSize || batch[^1].WebhookSequence >= job.UpToSequence;
        var cursor = last ? job.UpToSequence : batch[^1].WebhookSequence;
        var ids = batch.Select(l => l.Id).ToList();

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // The job's row first: on PostgreSQL it locks the job, so a cancel committed before this batch is seen and waits after it.
        var moved = await db.RecoveryJobs
            .Where(j => j.Id == job.Id && j.State == RecoveryState.Running && j.Cursor == job.Cursor)
            .ExecuteUpdateAsync(set => set
                .SetProperty(j => j.Cursor, cursor)
                .SetProperty(j => j.State, last ? RecoveryState.Completed : RecoveryState.Running)
                .SetProperty(j => j.FinishedAt, last ? now : (DateTime?)null), cancellationToken);
        if (moved == 0)
            return null;
        // Checked again under the transaction: a delivery resent on its own since the read above is passed over.
        var requeued = ids.Count == 0 ? 0 : await DeliveryResender.RequeueAsync(
            db.WebhookLogs.Where(l => ids.Contains(l.Id) && l.State == DeliveryState.Failed), now, cancellationToken);
        if (requeued > 0)
            await db.RecoveryJobs.Where(j => j.Id == job.Id)
                .ExecuteUpdateAsync(set => set.SetProperty(j => j.Requeued, j => j.Requeued + requeued), cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        if (requeued > 0)
            resender.Announce(job.WebhookId);
        job.Cursor = cursor;
        job.Requeued += requeued;
        if (last)
        {
            job.State = RecoveryState.Completed;
            job.FinishedAt = now;
            LogCompleted(job.Id, job.WebhookId, job.Requeued, job.Total);
        }
        return job;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Recovery {JobId} of webhook {WebhookId} finished: {Requeued} of {Total} failed deliveries requeued.")]
    private partial void LogCompleted(string jobId, string webhookId, int requeued, int total);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Another instance took the recovery jobs over; this one stopped working them.")]
    private partial void LogDutyLost();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Giving the recovery jobs back at shutdown failed; another instance takes them when its term runs out.")]
    private partial void LogReleaseFailed(Exception e);

    [LoggerMessage(Level = LogLevel.Error, Message = "Working the recovery jobs failed; trying again later.")]
    private partial void LogWorkFailed(Exception e);
}
