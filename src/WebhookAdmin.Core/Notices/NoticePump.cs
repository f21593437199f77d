using System.Buffers;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WebhookAdmin.Core.Delivery;
using WebhookAdmin.Core.Events;
using WebhookAdmin.Core.Storage;

namespace WebhookAdmin.Core.Notices;

/// <summary>
/// Stores each queued fact as the company's notice (for the app bar) and publishes it to the company's operations
/// webhooks, a batch at a time. A batch the database does not take is tried again a few times, then dropped and logged:
/// the facts are about deliveries that are themselves stored, so nothing of the company's data is lost with them.
/// </summary>
public sealed partial class NoticePump(
    NoticeQueue queue, IDbContextFactory<WebhookAdminDbContext> dbFactory, EventPublisher publisher, NoticeBoard board,
    IOptions<NoticeOptions> options, TimeProvider clock, ILogger<NoticePump> logger) : BackgroundService
{
    private const int MaxBatch = 500;
    private const int Tries = 5;
    private static readonly TimeSpan RetryPause = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan PruneEvery = TimeSpan.FromHours(1);

    private long _prunedAt;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<PendingNotice>(MaxBatch);
        try
        {
            while (await queue.Reader.WaitToReadAsync(stoppingToken))
            {
                batch.Clear();
                while (batch.Count < MaxBatch && queue.Reader.TryRead(out var notice))
                    batch.Add(notice);
                await HandleWithRetriesAsync(batch, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: facts still queued are lost, as the README says; the deliveries they are about are stored.
        }
    }

    /// <summary>
    /// Stores the batch once, then publishes it: a retry after the publish failed does not list the notices twice. A
    /// write the database refuses for its content is not tried again.
    /// </summary>
    private async Task HandleWithRetriesAsync(IReadOnlyList<PendingNotice> batch, CancellationToken stoppingToken)
    {
        List<Told>? told = null;
        var stored = false;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                told ??= await DescribeAsync(batch, stoppingToken);
                if (!stored)
                {
                    await StoreAsync(told, stoppingToken);
                    stored = true;
                    await PruneAsync(stoppingToken);
                }
                await PublishAsync(told, stoppingToken);
                return;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception e) when (attempt < Tries && e is not ContentRefusedException)
            {
                LogBatchRetried(e, batch.Count);
                await Task.Delay(RetryPause, clock, stoppingToken);
            }
            catch (Exception e)
            {
                LogBatchDropped(e, batch.Count, stored);
                return;
            }
        }
    }

    /// <summary>Each fact with its webhook's company and names, as the operations webhooks receive it; facts about deleted webhooks are left out.</summary>
    private async Task<List<Told>> DescribeAsync(IReadOnlyList<PendingNotice> batch, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var webhookIds = batch.Select(n => n.WebhookId).Distinct().ToArray();
        var webhooks = await db.Webhooks.AsNoTracking()
            .Where(w => webhookIds.Contains(w.Id))
            .Select(w => new NoticeSubject(w.Id, w.CompanyId, w.Name, w.Code, w.Url, w.Trigger))
            .ToDictionaryAsync(w => w.Id, cancellationToken);
        var logIds = batch.OfType<PendingNotice.Exhausted>().Select(n => n.LogId).Distinct().ToArray();
        var logs = logIds.Length == 0
            ? []
            : await db.WebhookLogs.AsNoTracking()
                .Where(l => logIds.Contains(l.Id))
                .Select(l => new ExhaustedLog(l.Id, l.CreatedAt, l.WebhookSequence, l.Event!.Type, l.Event.Event))
                .ToDictionaryAsync(l => l.Id, cancellationToken);

        var told = new List<Told>(batch.Count);
        foreach (var notice in batch)
        {
            // A webhook (or log) deleted meanwhile has nobody left to tell about it.
            if (!webhooks.TryGetValue(notice.WebhookId, out var webhook))
                continue;
            if (notice is PendingNotice.Exhausted exhausted && !logs.ContainsKey(exhausted.LogId))
                continue;
            var (kind, data) = Describe(notice, webhook, logs);
            told.Add(new Told(webhook.CompanyId, kind, webhook, notice.At, data));
        }
        return told;
    }

    private async Task PublishAsync(List<Told> told, CancellationToken cancellationToken)
    {
        foreach (var company in told.GroupBy(t => t.CompanyId))
        {
            var events = company
                .Select(t => (new CotEvent(NoticeKinds.Type, t.Kind, JsonSerializer.Deserialize<JsonElement>(t.Data), CreatedAt: t.At), t.Webhook.Id))
                .ToArray();
            await publisher.PublishOperationalAsync(company.Key, events, cancellationToken);
        }
    }

    /// <summary>One notice per fact, except a webhook's <c>delivery.exhausted</c>: counted on its latest one while they keep coming.</summary>
    private async Task StoreAsync(List<Told> told, CancellationToken cancellationToken)
    {
        if (told.Count == 0)
            return;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var exhaustedOf = told.Where(t => t.Kind == NoticeKinds.DeliveryExhausted).Select(t => t.Webhook.Id).Distinct().ToArray();
        var groupSince = clock.GetUtcNow().UtcDateTime - options.Value.GroupExhaustedFor;
        var open = exhaustedOf.Length == 0
            ? []
            : (await db.Notices
                .Where(n => exhaustedOf.Contains(n.WebhookId) && n.Kind == NoticeKinds.DeliveryExhausted && n.CreatedAt >= groupSince)
                .ToListAsync(cancellationToken))
                .GroupBy(n => n.WebhookId)
                .ToDictionary(g => g.Key, g => g.MaxBy(n => n.CreatedAt)!);
        foreach (var (companyId, kind, webhook, at, data) in told)
        {
            var json = System.Text.Encoding.UTF8.GetString(data);
            if (kind == NoticeKinds.DeliveryExhausted && open.TryGetValue(webhook.Id, out var grouped))
            {
                grouped.Count++;
                grouped.Data = json;
                grouped.CreatedAt = Later(grouped.CreatedAt, at);
                continue;
            }
            var notice = new Notice { Id = ObjectId.NewId(clock), CompanyId = companyId, Kind = kind, WebhookId = webhook.Id, Data = json, CreatedAt = at };
            db.Notices.Add(notice);
            if (kind == NoticeKinds.DeliveryExhausted)
                open[webhook.Id] = notice;
        }
        await db.SaveChangesAsync(cancellationToken);
        foreach (var companyId in told.Select(t => t.CompanyId).Distinct())
            board.Changed(companyId);
    }

    private static DateTime Later(DateTime a, DateTime b) => a > b ? a : b;

    /// <summary>Notices past <see cref="NoticeOptions.KeepFor"/> go, at most once an hour; a failure waits for the next hour.</summary>
    private async Task PruneAsync(CancellationToken cancellationToken)
    {
        if (_prunedAt != 0 && clock.GetElapsedTime(_prunedAt) < PruneEvery)
            return;
        _prunedAt = clock.GetTimestamp();
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var before = clock.GetUtcNow().UtcDateTime - options.Value.KeepFor;
            await db.Notices.Where(n => n.CreatedAt < before).ExecuteDeleteAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogPruneFailed(e);
        }
    }

    /// <summary>The event's name and its <c>data</c>, as the operations webhooks receive it (see <c>Types/COTOperations.json</c>).</summary>
    private static (string Kind, byte[] Data) Describe(PendingNotice notice, NoticeSubject webhook, IReadOnlyDictionary<long, ExhaustedLog> logs)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        string kind;
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartObject("webhook");
            json.WriteString("_id", webhook.Id);
            json.WriteString("name", webhook.Name);
            json.WriteString("code", webhook.Code);
            json.WriteString("url", webhook.Url);
            json.WriteString("trigger", webhook.Trigger);
            json.WriteEndObject();
            switch (notice)
            {
                case PendingNotice.Failing failing:
                    kind = NoticeKinds.WebhookFailing;
                    json.WriteNumber("percent", failing.Percent);
                    json.WriteString("failingSince", CotEventJson.Timestamp(failing.FailingSince));
                    json.WriteNumber("failures", failing.Failures);
                    json.WriteString("disableAt", CotEventJson.Timestamp(failing.DisableAt));
                    break;
                case PendingNotice.Disabled disabled:
                    kind = NoticeKinds.WebhookDisabled;
                    json.WriteString("failingSince", CotEventJson.Timestamp(disabled.FailingSince));
                    json.WriteNumber("failures", disabled.Failures);
                    json.WriteString("disabledAt", CotEventJson.Timestamp(disabled.At));
                    json.WriteBoolean("probed", disabled.Probed);
                    break;
                case PendingNotice.Recovered recovered:
                    kind = NoticeKinds.WebhookRecovered;
                    json.WriteString("failingSince", CotEventJson.Timestamp(recovered.FailingSince));
                    json.WriteString("recoveredAt", CotEventJson.Timestamp(recovered.At));
                    json.WriteBoolean("probed", recovered.Probed);
                    break;
                case PendingNotice.Exhausted exhausted:
                    kind = NoticeKinds.DeliveryExhausted;
                    var log = logs[exhausted.LogId];
                    json.WriteStartObject("delivery");
                    json.WriteString("_id", ObjectId.OfLog(log.CreatedAt, log.Id));
                    json.WriteNumber("sequence", log.WebhookSequence);
                    json.WriteString("type", log.Type);
                    json.WriteString("event", log.Event);
                    json.WriteNumber("attempts", exhausted.Attempts);
                    json.WriteNumber("status", exhausted.Status);
                    json.WriteEndObject();
                    json.WriteString("exhaustedAt", CotEventJson.Timestamp(exhausted.At));
                    break;
                default:
                    throw new InvalidOperationException($"Unknown notice {notice.GetType().Name}.");
            }
            json.WriteEndObject();
        }
        return (kind, buffer.WrittenSpan.ToArray());
    }

    private sealed record Told(string CompanyId, string Kind, NoticeSubject Webhook, DateTime At, byte[] Data);

    private sealed record NoticeSubject(string Id, string CompanyId, string Name, string Code, string Url, string Trigger);

    private sealed record ExhaustedLog(long Id, DateTime CreatedAt, long WebhookSequence, string Type, string Event);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Deleting old notices failed; tried again in an hour.")]
    private partial void LogPruneFailed(Exception e);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Storing or sending {Count} operational notices failed; trying again.")]
    private partial void LogBatchRetried(Exception e, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Count} operational notices were not sent to the operations webhooks (listed for the admins: {Stored}): the database did not take them.")]
    private partial void LogBatchDropped(Exception e, int count, bool stored);
}
