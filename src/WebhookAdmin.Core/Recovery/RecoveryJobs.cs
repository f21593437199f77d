using System.Globalization;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using WebhookAdmin.Core.Delivery;
using WebhookAdmin.Core.Logs;
using WebhookAdmin.Core.Storage;

namespace WebhookAdmin.Core.Recovery;

public abstract record RecoveryStart
{
    private RecoveryStart() { }

    public sealed record Started(RecoveryJob Job) : RecoveryStart;

    public sealed record NotFound : RecoveryStart;

    /// <summary>A job of the webhook is running already: one at a time, so two never race over the same deliveries.</summary>
    public sealed record AlreadyRunning(RecoveryJob Job, string Reason) : RecoveryStart;

    public sealed record Refused(string Reason) : RecoveryStart;
}

/// <summary>
/// Bulk recovery as the API and the Logs tab ask for it: start a job (its deliveries fixed at once: failed, since the
/// given time, up to now, the oldest <see cref="RecoveryOptions.MaxDeliveries"/>), read it, cancel it. The work itself
/// is <see cref="RecoveryWorker"/>'s, which this wakes on this instance (the others find the job at their next look).
/// </summary>
public sealed class RecoveryJobs(
    IDbContextFactory<WebhookAdminDbContext> dbFactory, IOptions<RecoveryOptions> options, RecoveryWakeup wakeup, TimeProvider clock)
{
    /// <summary>The start time as the API takes it (ISO 8601; UTC when it names no offset); a message naming <c>since</c> when it will not do.</summary>
    public string? ReadSince(string? text, out DateTime since)
    {
        since = default;
        if (string.IsNullOrWhiteSpace(text))
            return RecoveryText.Localizer["SinceRequired"];
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out var parsed))
            return RecoveryText.Localizer["SinceMalformed"];
        since = parsed.UtcDateTime;
        return CheckSince(since);
    }

    /// <summary>Null when <paramref name="since"/> can start a job; otherwise why not.</summary>
    public string? CheckSince(DateTime since) =>
        since > clock.GetUtcNow().UtcDateTime ? RecoveryText.Localizer["SinceInFuture"].Value : null;

    public async Task<RecoveryStart> StartAsync(string companyId, string webhookId, DateTime since, CancellationToken cancellationToken = default)
    {
        if (!ObjectId.IsValid(webhookId))
            return new RecoveryStart.NotFound();
        webhookId = ObjectId.Normalize(webhookId);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var isActive = await db.CompanyWebhook(companyId, webhookId).Select(w => (bool?)w.IsActive).SingleOrDefaultAsync(cancellationToken);
        if (isActive is null)
            return new RecoveryStart.NotFound();
        if (isActive == false)
            return new RecoveryStart.Refused(DeliveryText.Localizer["WebhookInactive"]);
        if (await RunningAsync(db, webhookId, cancellationToken) is { } running)
            return Running(running);

        var now = UnixTime.Truncate(clock.GetUtcNow().UtcDateTime);
        // Stored times are whole milliseconds: rounded up, ">= since" keeps its meaning.
        var from = UnixTime.CeilingToMillisecond(since);
        var covered = db.WebhookLogs
            .Where(l => l.WebhookId == webhookId && l.State == DeliveryState.Failed && l.CreatedAt >= from && l.CreatedAt < now)
            .OrderBy(l => l.WebhookSequence)
            .Take(options.Value.MaxDeliveries)
            .Select(l => l.WebhookSequence);
        var sequences = await covered.ToListAsync(cancellationToken);
        var job = new RecoveryJob
        {
            Id = ObjectId.NewId(clock),
            CompanyId = companyId,
            WebhookId = webhookId,
            Since = from,
            Until = now,
            UpToSequence = sequences.Count == 0 ? 0 : sequences[^1],
            Total = sequences.Count,
            State = sequences.Count == 0 ? RecoveryState.Completed : RecoveryState.Running,
            CreatedAt = now,
            FinishedAt = sequences.Count == 0 ? now : null,
        };
        db.RecoveryJobs.Add(job);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (StorageErrors.IsUniqueViolation(e))
        {
            // Another start of the same webhook committed first (the index allows one running job per webhook).
            await using var again = await dbFactory.CreateDbContextAsync(cancellationToken);
            if (await RunningAsync(again, webhookId, cancellationToken) is { } winner)
                return Running(winner);
            throw;
        }
        if (job.State == RecoveryState.Running)
            wakeup.Ring();
        return new RecoveryStart.Started(job);
    }

    /// <summary>The company's job of that webhook; null for another company's (or none).</summary>
    public async Task<RecoveryJob?> GetAsync(string companyId, string webhookId, string jobId, CancellationToken cancellationToken = default)
    {
        if (!ObjectId.IsValid(webhookId) || !ObjectId.IsValid(jobId))
            return null;
        (webhookId, jobId) = (ObjectId.Normalize(webhookId), ObjectId.Normalize(jobId));
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.RecoveryJobs.AsNoTracking()
            .SingleOrDefaultAsync(j => j.Id == jobId && j.WebhookId == webhookId && j.CompanyId == companyId, cancellationToken);
    }

    /// <summary>The webhook's newest job (the running one when there is one), for the Logs tab to show on opening.</summary>
    public async Task<RecoveryJob?> LatestAsync(string companyId, string webhookId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.RecoveryJobs.AsNoTracking()
            .Where(j => j.WebhookId == webhookId && j.CompanyId == companyId)
            .OrderByDescending(j => j.CreatedAt).ThenByDescending(j => j.Id)
            .FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>
    /// Stops a running job: the worker's next batch finds it cancelled and is not applied, so nothing is requeued after
    /// this returns. Deliveries already requeued stay queued. A finished job is left as it is.
    /// </summary>
    /// <returns>The job as it now stands; null for another company's (or none).</returns>
    public async Task<RecoveryJob?> CancelAsync(string companyId, string webhookId, string jobId, CancellationToken cancellationToken = default)
    {
        if (await GetAsync(companyId, webhookId, jobId, cancellationToken) is not { } job)
            return null;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var now = UnixTime.Truncate(clock.GetUtcNow().UtcDateTime);
        await FinishAsync(db, job.Id, RecoveryState.Cancelled, now, cancellationToken);
        return await GetAsync(companyId, webhookId, jobId, cancellationToken);
    }

    /// <summary>Ends a job that is still running (a job already finished keeps its end).</summary>
    internal static Task<int> FinishAsync(WebhookAdminDbContext db, string jobId, RecoveryState state, DateTime now, CancellationToken cancellationToken) =>
        db.RecoveryJobs.Where(j => j.Id == jobId && j.State == RecoveryState.Running)
            .ExecuteUpdateAsync(set => set.SetProperty(j => j.State, state).SetProperty(j => j.FinishedAt, now), cancellationToken);

    private static Task<RecoveryJob?> RunningAsync(WebhookAdminDbContext db, string webhookId, CancellationToken cancellationToken) =>
        db.RecoveryJobs.AsNoTracking().FirstOrDefaultAsync(j => j.WebhookId == webhookId && j.State == RecoveryState.Running, cancellationToken);

    private static RecoveryStart.AlreadyRunning Running(RecoveryJob job) => new(job, RecoveryText.Localizer["AlreadyRunning", job.Id]);
}

/// <summary>A job started on this instance wakes the worker at once instead of at its next look.</summary>
public sealed class RecoveryWakeup
{
    private readonly Channel<bool> _rings = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public void Ring() => _rings.Writer.TryWrite(true);

    /// <summary>Returns at a ring or after <paramref name="timeout"/>, whichever comes first.</summary>
    public async Task WaitAsync(TimeSpan timeout, TimeProvider clock, CancellationToken cancellationToken)
    {
        using var timedOut = new CancellationTokenSource(timeout, clock);
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timedOut.Token);
        try
        {
            await _rings.Reader.ReadAsync(wait.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Timed out: time for the next look.
        }
    }
}
