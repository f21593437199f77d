using WebhookAdmin.Core.Delivery;
using WebhookAdmin.Core.Logs;

namespace WebhookAdmin.Simulation;

/// <summary>
/// The simulation's one database, shared by its instances: what is committed survives any crash, nothing else does.
/// It keeps what the engine's contract (<see cref="IDeliveryStore"/>) promises and records what the checks need.
/// </summary>
public sealed class SimDatabase
{
    private long _sequence;
    private long _logId;

    public Dictionary<string, SimWebhook> Webhooks { get; } = new(StringComparer.Ordinal);
    public List<StoredEvent> Events { get; } = [];
    public SortedDictionary<long, StoredLog> Logs { get; } = [];

    /// <summary>Attempt rows by (log, number); the real tables' key.</summary>
    public Dictionary<(long LogId, int Number), WebhookLogAttempt> Attempts { get; } = [];

    private readonly Dictionary<(string Company, string CallerId), StoredEvent> _callers = [];
    private readonly Dictionary<string, long> _webhookCounters = new(StringComparer.Ordinal);

    /// <summary>While true every statement fails as a database that is down or unreachable does.</summary>
    public bool Unavailable { get; set; }

    /// <summary>
    /// Several instances commit to it (PostgreSQL's contract): each new delivery says what of its webhook was pending
    /// before it (<see cref="QueuedDelivery.PendingBefore"/>), so a lane takes it in hand only when it knows that one.
    /// </summary>
    public bool Shared { get; init; }

    /// <summary>Deliberate contract breaches, to show the checks catch them.</summary>
    public PlantedFault Fault { get; init; }

    public int WritesSeen { get; private set; }

    public void Apply(IReadOnlyList<DeliveryWrite> batch, Action<string> violation)
    {
        var results = new List<Action>();
        foreach (var write in batch)
        {
            WritesSeen++;
            switch (write)
            {
                case EventWrite published:
                    results.Add(Insert(published));
                    break;
                case AttemptWrite attempt:
                    if (Fault == PlantedFault.LosesAttemptRecords && WritesSeen % 7 == 0)
                        break;
                    Record(attempt, violation);
                    break;
            }
        }
        foreach (var result in results)
            result();
    }

    private Action Insert(EventWrite write)
    {
        if (write.CallerId is not null && _callers.TryGetValue((write.CompanyId, write.CallerId), out var first))
            return () => write.StoredBefore(first.Sequence, first.PublishedAt, first.WebhookIds.Count);
        var sequence = ++_sequence;
        var stored = new StoredEvent(sequence, write.CompanyId, write.PublishedAt, write.Body, write.WebhookIds);
        Events.Add(stored);
        if (write.CallerId is not null)
            _callers[(write.CompanyId, write.CallerId)] = stored;
        var created = new List<QueuedDelivery>();
        foreach (var webhookId in write.WebhookIds)
        {
            long? pendingBefore = null;
            if (Shared)
            {
                pendingBefore = Fault == PlantedFault.HidesPendingBefore
                    ? 0
                    : Logs.Values.Where(l => l.WebhookId == webhookId && l.State == DeliveryState.Pending).Select(l => l.Sequence).DefaultIfEmpty(0).Max();
            }
            var webhookSequence = _webhookCounters[webhookId] = _webhookCounters.GetValueOrDefault(webhookId) + 1;
            if (Fault == PlantedFault.RepeatsAWebhookNumber && webhookSequence % 5 == 0)
                _webhookCounters[webhookId] = --webhookSequence;
            var log = new StoredLog(++_logId, webhookId, sequence, webhookSequence, write.PublishedAt);
            Logs.Add(log.LogId, log);
            created.Add(new QueuedDelivery(log.LogId, webhookId, sequence, webhookSequence, write.PublishedAt, write.Body) { PendingBefore = pendingBefore });
        }
        return () => write.Stored(sequence, created, handedToLanes: true);
    }

    private void Record(AttemptWrite write, Action<string> violation)
    {
        if (!Logs.TryGetValue(write.LogId, out var log))
        {
            violation($"an attempt was recorded for log {write.LogId}, which does not exist");
            return;
        }
        (log.State, log.Retry, log.NextAttemptAt, log.Status, log.Manual) = (write.State, write.Retry, write.NextAttemptAt, write.Status, false);
        var key = (write.LogId, write.Attempt.Number);
        if (Attempts.TryGetValue(key, out var earlier) && earlier.StartedAt != write.Attempt.StartedAt)
            violation($"attempt {key.Number} of log {key.LogId} was recorded twice, for two different requests (started {earlier.StartedAt:HH:mm:ss.fff} and {write.Attempt.StartedAt:HH:mm:ss.fff})");
        Attempts[key] = write.Attempt;
        // As the stores' streak statement: a probe's outcome is kept once, for a probe made after the cool-down.
        if (write.Probe && Webhooks[write.WebhookId] is { ProbeAfter: { } after, ProbedAt: null } webhook && after <= write.Attempt.StartedAt)
            (webhook.ProbedAt, webhook.ProbeSucceeded) = (write.Attempt.StartedAt, write.State == DeliveryState.Succeeded);
    }

    public IReadOnlyList<QueuedDelivery> Pending(string webhookId, long afterSequence, int limit)
    {
        var rows = Logs.Values
            .Where(l => l.WebhookId == webhookId && l.State == DeliveryState.Pending && l.Sequence > afterSequence)
            .OrderBy(l => l.Sequence)
            .Take(limit)
            .Select(l => new QueuedDelivery(l.LogId, l.WebhookId, l.Sequence, l.WebhookSequence, l.CreatedAt, Events[(int)l.Sequence - 1].Body)
            {
                Retry = l.Retry,
                NextAttemptAt = l.NextAttemptAt,
                Manual = l.Manual,
            })
            .ToList();
        if (Fault == PlantedFault.ReordersQueue && rows.Count >= 2)
            (rows[0], rows[1]) = (rows[1], rows[0]);
        return rows;
    }

    public IReadOnlyList<string> WebhooksWithWork() =>
        Webhooks.Values.Where(w => w.IsActive && Logs.Values.Any(l => l.WebhookId == w.Id && l.State == DeliveryState.Pending))
            .Select(w => w.Id).Order(StringComparer.Ordinal).ToList();

    /// <summary>An admin's resend, as <see cref="DeliveryResender"/> does it: only a delivery that is not pending.</summary>
    public bool Resend(long logId, DateTime now)
    {
        if (!Logs.TryGetValue(logId, out var log) || log.State == DeliveryState.Pending)
            return false;
        (log.State, log.Manual, log.NextAttemptAt) = (DeliveryState.Pending, true, now);
        return true;
    }
}

public enum PlantedFault
{
    None,
    ReordersQueue,
    LosesAttemptRecords,

    /// <summary>A shared store that says nothing was pending before each new delivery: lanes take them ahead of others' unheard-of ones.</summary>
    HidesPendingBefore,

    /// <summary>A store whose webhook counter gives every fifth delivery the number of the one before (a lost update).</summary>
    RepeatsAWebhookNumber,
}

public sealed class SimWebhook(string id, string companyId)
{
    public string Id { get; } = id;
    public string CompanyId { get; } = companyId;
    public bool IsActive { get; set; } = true;

    /// <summary>Since when it is inactive (simulated ticks), for the pause check.</summary>
    public long InactiveSince { get; set; }

    /// <summary>Its probe (<c>FailingWebhooks</c>), as the webhook's row keeps it: nothing is sent before it, then one attempt.</summary>
    public DateTime? ProbeAfter { get; set; }

    public DateTime? ProbedAt { get; set; }
    public bool ProbeSucceeded { get; set; }

    /// <summary>Since when the probe holds it (simulated ticks), for the cool-down check.</summary>
    public long ProbingSince { get; set; }
}

public sealed record StoredEvent(long Sequence, string CompanyId, DateTime PublishedAt, byte[] Body, IReadOnlyList<string> WebhookIds);

public sealed class StoredLog(long logId, string webhookId, long sequence, long webhookSequence, DateTime createdAt)
{
    public long LogId { get; } = logId;
    public string WebhookId { get; } = webhookId;
    public long Sequence { get; } = sequence;
    public long WebhookSequence { get; } = webhookSequence;
    public DateTime CreatedAt { get; } = createdAt;
    public DeliveryState State { get; set; }
    public int Retry { get; set; }
    public DateTime NextAttemptAt { get; set; } = createdAt;
    public bool Manual { get; set; }
    public int Status { get; set; }
}
