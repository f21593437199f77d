using WebhookAdmin.Core.Logs;

namespace WebhookAdmin.Core.Delivery;

/// <summary>A webhook's queue as its lane reads it: the pending deliveries after the last one it holds.</summary>
public interface IPendingDeliveries
{
    /// <summary>The webhook's pending deliveries after <paramref name="afterSequence"/>, oldest first, each with its event's body.</summary>
    Task<IReadOnlyList<QueuedDelivery>> PendingAsync(string webhookId, long afterSequence, int limit, CancellationToken cancellationToken);
}

/// <summary>
/// What the delivery engine needs from storage, and nothing else: commit a batch of writes in one transaction, read a
/// webhook's next pending deliveries, and lease webhooks' queues to this instance. Each provider implements it with its
/// own few statements (<c>Storage/Sqlite</c>, <c>Storage/PostgreSql</c>); the engine never knows which database it runs
/// on, nor whether other instances share it: one instance alone is simply one that holds every lease for good.
/// </summary>
public interface IDeliveryStore : IPendingDeliveries
{
    /// <summary>
    /// Applies every write of <paramref name="batch"/>, in order, in one transaction, and returns once it is committed and
    /// flushed to disk, with each write's results filled in. When it throws, nothing of the batch is stored.
    /// Only the <see cref="DeliveryWriter"/> calls it: one batch at a time, or, where <see cref="CommitsPublishesApart"/>,
    /// at most one batch of publishes and one of attempt records at a time.
    /// </summary>
    Task WriteAsync(IReadOnlyList<DeliveryWrite> batch, CancellationToken cancellationToken);

    /// <summary>
    /// Whether publishes are committed in batches of their own, at the same time as the attempt records' batches. Where
    /// writers do not exclude each other (PostgreSQL), a publish then waits for one commit, its own, instead of also the
    /// attempt records' commit in flight; where one writer at a time holds the database (SQLite), one batch carrying both
    /// shares a single flush to disk.
    /// </summary>
    bool CommitsPublishesApart => false;

    /// <summary>
    /// How long this instance's lease on a webhook's queue lasts after its last renewal: another instance may take the
    /// webhook over once it has run out. <see cref="Timeout.InfiniteTimeSpan"/> when no other instance can (one
    /// instance on the embedded store): its leases never run out and are never lost.
    /// </summary>
    TimeSpan LeaseTerm { get; }

    /// <summary>
    /// Active webhooks with pending deliveries that this instance may now deliver, beyond <paramref name="held"/>. With
    /// one instance, every such webhook; with several, the ones whose lease it just took, so that its
    /// <paramref name="busy"/> lanes (those with work) reach its fair share. Of <paramref name="askedAbout"/> (webhooks
    /// named in news since the last claim), it also says which another instance holds and for how long yet, so that
    /// news of them starts no claim until that lease runs out or is given back.
    /// </summary>
    Task<WorkClaim> ClaimWorkAsync(IReadOnlyCollection<string> held, int busy, IReadOnlyCollection<string> askedAbout, CancellationToken cancellationToken);

    /// <summary>
    /// Says this instance is alive and extends its leases on <paramref name="held"/>: what comes back is what it still
    /// holds (a lease that expired and was taken over is gone), and its fair share of the webhooks with work.
    /// </summary>
    Task<LeaseRenewal> RenewAsync(IReadOnlyCollection<string> held, CancellationToken cancellationToken);

    /// <summary>Gives webhooks back (their lanes stopped and their records are stored), so another instance may take them at once.</summary>
    Task ReleaseAsync(IReadOnlyCollection<string> webhookIds, CancellationToken cancellationToken);

    /// <summary>A clean stop: gives every webhook back and leaves the live instances, so the others share the work at once.</summary>
    Task LeaveAsync(CancellationToken cancellationToken);

    /// <summary>How many deliveries wait for a first attempt and for a retry, and since when the oldest waits (for the metrics).</summary>
    Task<BacklogSnapshot> BacklogAsync(CancellationToken cancellationToken);
}

/// <summary>
/// What a claim found: the webhooks this instance just took, and those asked about that another instance holds, with
/// the time its lease has left (by the store's clock, when the claim ran).
/// </summary>
public sealed record WorkClaim(IReadOnlyList<string> Claimed, IReadOnlyDictionary<string, TimeSpan> HeldElsewhere)
{
    private static readonly IReadOnlyDictionary<string, TimeSpan> NoneElsewhere = new Dictionary<string, TimeSpan>();

    /// <summary>A claim on a store where no other instance holds anything.</summary>
    public static WorkClaim Alone(IReadOnlyList<string> claimed) => new(claimed, NoneElsewhere);
}

/// <summary>What a heartbeat found: the webhooks still held, and how many this instance should hold at most.</summary>
public sealed record LeaseRenewal(IReadOnlySet<string> Held, int FairShare);

/// <summary>One write of a batch; its results are filled in by the store when the batch commits.</summary>
public abstract class DeliveryWrite
{
    private protected DeliveryWrite() { }

    /// <summary>Rows it adds or changes, so the writer can keep batches to a size that commits quickly.</summary>
    public abstract int Rows { get; }
}

/// <summary>
/// An accepted event and one pending delivery per webhook it matched. When the company already stored an event with the
/// same <see cref="CallerId"/>, nothing is written and the first event's sequence, time and delivery count come back.
/// </summary>
public sealed class EventWrite(string companyId, string? callerId, string type, string eventName, DateTime publishedAt, byte[] body, IReadOnlyList<string> webhookIds)
    : DeliveryWrite
{
    /// <summary>The publish's trace context (W3C traceparent) when it is traced; stored with the event for its attempts' spans.</summary>
    public string? TraceParent { get; init; }

    public string CompanyId { get; } = companyId;
    public string? CallerId { get; } = callerId;
    public string Type { get; } = type;
    public string EventName { get; } = eventName;

    /// <summary>Whole milliseconds (what storage keeps); also each delivery's <c>createdAt</c>.</summary>
    public DateTime PublishedAt { get; private set; } = UnixTime.Truncate(publishedAt);

    public byte[] Body { get; } = body;
    public IReadOnlyList<string> WebhookIds { get; } = webhookIds;

    public override int Rows => 1 + WebhookIds.Count;

    /// <summary>The stored event's sequence (the first event's, when <see cref="Repeated"/>).</summary>
    public long Sequence { get; private set; }

    public bool Repeated { get; private set; }

    /// <summary>How many deliveries the event has (the first event's count, when <see cref="Repeated"/>).</summary>
    public int Deliveries { get; private set; }

    /// <summary>The deliveries this write created, in the order of <see cref="WebhookIds"/>; empty when repeated.</summary>
    public IReadOnlyList<QueuedDelivery> Created { get; private set; } = [];

    public string EventId => ObjectId.OfEvent(PublishedAt, Sequence);

    /// <summary>
    /// Whether the lanes may take <see cref="Created"/> in hand as committed: true when no other instance can have
    /// committed deliveries to the same webhooks just before them that this one has not heard of yet (taking these first
    /// would send them ahead), or when each says what was pending before it (<see cref="QueuedDelivery.PendingBefore"/>),
    /// so that a lane can tell. Otherwise the lanes read them from storage, where both are in order.
    /// </summary>
    public bool HandedToLanes { get; private set; }

    public void Stored(long sequence, IReadOnlyList<QueuedDelivery> created, bool handedToLanes)
    {
        (Sequence, Repeated, Deliveries, Created, HandedToLanes) = (sequence, false, created.Count, created, handedToLanes);
    }

    public void StoredBefore(long sequence, DateTime publishedAt, int deliveries)
    {
        (Sequence, PublishedAt, Repeated, Deliveries, Created) = (sequence, publishedAt, true, deliveries, []);
    }
}

/// <summary>One finished attempt: the log's new state and the attempt's own row (absolute values, so applying it twice is harmless).</summary>
public sealed class AttemptWrite(
    long logId, string webhookId, int retry, DeliveryState state, int status, string response, DateTime nextAttemptAt, WebhookLogAttempt attempt)
    : DeliveryWrite
{
    public long LogId { get; } = logId;
    public string WebhookId { get; } = webhookId;
    public int Retry { get; } = retry;
    public DeliveryState State { get; } = state;
    public int Status { get; } = status;
    public string Response { get; } = response;
    public DateTime NextAttemptAt { get; } = nextAttemptAt;
    public WebhookLogAttempt Attempt { get; } = attempt;

    public override int Rows => 2;

    /// <summary>The attempt was a webhook's probe (<see cref="WebhookProbe"/>): its outcome is stored on the webhook too.</summary>
    public bool Probe { get; init; }

    /// <summary>
    /// This record as the database will take it whatever refused the original: the status, attempt number, state, timing
    /// and schedule are kept, the receiver's text is replaced by why it could not be stored.
    /// </summary>
    public AttemptWrite NotStorable(string reason)
    {
        var response = "response not storable: " + reason;
        return new AttemptWrite(LogId, WebhookId, Retry, State, Status, response, NextAttemptAt, new WebhookLogAttempt
        {
            LogId = Attempt.LogId,
            Number = Attempt.Number,
            StartedAt = Attempt.StartedAt,
            DurationMs = Attempt.DurationMs,
            Status = Attempt.Status,
            Succeeded = Attempt.Succeeded,
            Manual = Attempt.Manual,
            Error = Attempt.Error.Length > 0 ? response : "",
        }) { Probe = Probe };
    }
}

/// <summary>
/// A pending delivery as a lane holds it: what is sent (the shared event body) and where it stands. The lane that owns
/// it is the only one to change it, between attempts.
/// </summary>
public sealed class QueuedDelivery(long logId, string webhookId, long sequence, long webhookSequence, DateTime createdAt, byte[] body)
{
    private string? _messageId;

    public long LogId { get; } = logId;
    public string WebhookId { get; } = webhookId;
    public long Sequence { get; } = sequence;

    /// <summary>The <c>webhook-sequence</c> header: its place among the webhook's deliveries (<see cref="WebhookLog.WebhookSequence"/>).</summary>
    public long WebhookSequence { get; } = webhookSequence;

    public DateTime CreatedAt { get; } = createdAt;
    public byte[] Body { get; } = body;

    /// <summary>Attempts made so far.</summary>
    public int Retry { get; set; }

    /// <summary>The <c>webhook-attempt</c> header of the next attempt, and its attempt row's number: 1 for the first.</summary>
    public int AttemptNumber => Retry + 1;

    public DateTime NextAttemptAt { get; set; } = createdAt;

    /// <summary>An admin's resend: one attempt, no automatic retries after it.</summary>
    public bool Manual { get; set; }

    /// <summary>The <c>webhook-id</c> header: the log's public id, the same on every attempt.</summary>
    public string MessageId => _messageId ??= ObjectId.OfLog(CreatedAt, LogId);

    /// <summary>The publish's trace context (W3C traceparent), when it was traced: each attempt's span joins that trace.</summary>
    public string? TraceParent { get; init; }

    /// <summary>
    /// Set on a delivery just committed to a store other instances share: the highest sequence of its webhook that storage
    /// held pending when it was committed, before the batch's own (0: none). The lane takes it in hand only if it already
    /// knows that one: another instance may have committed deliveries of the webhook just before it that no news has
    /// brought yet, and they are pending (only the lease holder attempts them), so they would show here. Null: nothing
    /// can have been committed before it unheard of (one instance alone), and the lane takes it when caught up.
    /// </summary>
    public long? PendingBefore { get; init; }
}
