using System.ComponentModel.DataAnnotations;

namespace WebhookAdmin.Core.Delivery;

/// <summary><c>Webhooks:Delivery</c>: the documented delivery knobs (CONTRACT.md) plus the dispatcher's own limits.</summary>
public sealed class DeliveryOptions
{
    public const string SectionName = "Webhooks:Delivery";

    /// <summary>
    /// Whether this instance delivers. Off, it still serves the admin UI and the API and publishes (its events are
    /// delivered by the instances that have it on): with several instances on PostgreSQL, some can be kept for people.
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Wait after a failed attempt before the next one.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00", ErrorMessage = "RetryDelay must be between 00:00:00 and 1.00:00:00.")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Attempts in all, the first included.</summary>
    [Range(1, 10)]
    public int MaxAttempts { get; set; } = 3;

    /// <summary>One attempt's limit: connecting, sending and reading the (bounded) answer.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:10:00", ErrorMessage = "Timeout must be more than zero and at most 00:10:00.")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Allow loopback, private, link-local, CGNAT and metadata targets; off outside Development.</summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>HTTP attempts in flight at once across all webhooks; each webhook has at most one.</summary>
    [Range(1, 1024)]
    public int MaxConcurrentDeliveries { get; set; } = 32;

    /// <summary>
    /// The most of those one company may have in flight at once (unset: a quarter of <see cref="MaxConcurrentDeliveries"/>,
    /// at least 1). A company whose receivers never answer holds each of its slots for a whole <see cref="Timeout"/>; the
    /// share keeps the rest for the others (<see cref="FairSlotGate"/>). At most <see cref="MaxConcurrentDeliveries"/>.
    /// </summary>
    [Range(1, 1024)]
    public int? MaxConcurrentDeliveriesPerCompany { get; set; }

    /// <summary><see cref="MaxConcurrentDeliveriesPerCompany"/> as set, or its default.</summary>
    public int ConcurrentDeliveriesPerCompany => MaxConcurrentDeliveriesPerCompany ?? Math.Max(1, MaxConcurrentDeliveries / 4);

    /// <summary>How often the dispatcher looks for work nobody signalled, e.g. a webhook that was reactivated.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00", ErrorMessage = "PollInterval must be between 00:00:00.010 and 01:00:00.")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How many of a webhook's next deliveries its lane holds in memory, so it reads the database once per window rather
    /// than once per delivery. 256 keeps a lane busy for well over the time one read takes at full speed.
    /// </summary>
    [Range(1, 100_000)]
    public int LaneWindow { get; set; } = 256;

    /// <summary>
    /// Deliveries held in memory across all lanes. A backlog beyond it stays in the database and is read as lanes drain,
    /// so a million pending deliveries cost no more memory than a thousand.
    /// </summary>
    [Range(1, 10_000_000)]
    public int MaxBufferedDeliveries { get; set; } = 50_000;

    /// <summary>
    /// Attempt records handed to the writer and not yet committed; past it, lanes wait for the database. It bounds the
    /// memory (and the repeats after a crash) when receivers answer faster than the disk writes.
    /// </summary>
    [Range(1, 1_000_000)]
    public int MaxUnrecordedAttempts { get; set; } = 8192;

    /// <summary>
    /// On PostgreSQL, how long attempt records gather before they are committed, unless a batch is already large or
    /// something waits for them (a lane reading its queue again, a release, a stop). An attempt record statement costs
    /// about a quarter of a millisecond of the database's time whatever it carries, then some 27 µs per record: batches of
    /// a few records spent half the database's time on that fixed cost. Lanes never wait for their records, so this is
    /// paid only by the logs tab (that much later) and by a crash (that much more sent again after it). Zero commits as
    /// soon as the last commit ends. SQLite commits records with the publishes, which must not wait: it never gathers.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:10", ErrorMessage = "RecordGathering must be between 00:00:00 and 00:00:10.")]
    public TimeSpan RecordGathering { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// <c>/health/ready</c> reports the delivery writer unhealthy once writes have waited this long without the database
    /// taking a commit (locked, full or unreachable); healthy again at the next commit. Ten seconds is well past the
    /// longest commit seen under load (tens of milliseconds) yet short enough for a load balancer to react.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00", ErrorMessage = "WriterUnhealthyAfter must be between 00:00:01 and 01:00:00.")]
    public TimeSpan WriterUnhealthyAfter { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Several instances on PostgreSQL: how long an instance's hold on a webhook's queue outlives its last renewal. An
    /// instance that dies loses its webhooks this long after its last heartbeat (renewals come every third of it), and
    /// stops sending on its own well before, should it lose touch with the database. An attempt starts only when the
    /// lease as last confirmed outlasts its <see cref="Timeout"/>, so it must be at least <see cref="LeasePerTimeout"/>
    /// timeouts (checked at start): 75 s for the default 30 s timeout.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00", ErrorMessage = "LeaseTimeout must be between 00:00:01 and 01:00:00.")]
    public TimeSpan LeaseTimeout { get; set; } = TimeSpan.FromSeconds(75);

    /// <summary>
    /// The least <see cref="LeaseTimeout"/> / <see cref="Timeout"/>. A lane uses a lease for <see cref="LeaseUsable"/> of
    /// its time after a renewal (the rest is margin), renewals come every third of it, and an attempt needs a whole
    /// timeout of lease left when it starts: 0.8 − 1/3 ≈ 0.47 of the lease is always left right after a renewal, which
    /// is one timeout with a sixth of one to spare for the renewal's round trip when the lease is 2.5 timeouts.
    /// </summary>
    public const double LeasePerTimeout = 2.5;

    /// <summary>The share of the lease, counted from a renewal's sending, that a lane relies on.</summary>
    public const double LeaseUsable = 0.8;

    /// <summary>
    /// A webhook whose deliveries have all failed for this long (and at least <see cref="DisableAfterFailures"/> of them)
    /// is deactivated, saying why; its pending deliveries wait for it to be activated again. <c>00:00:00</c>: never.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "365.00:00:00", ErrorMessage = "DisableAfter must be between 00:00:00 (never) and 365.00:00:00.")]
    public TimeSpan DisableAfter { get; set; } = TimeSpan.FromDays(5);

    /// <summary>
    /// A webhook past <see cref="DisableAfter"/> is not deactivated at once: its lane sends nothing for this long, then
    /// makes one attempt of its next delivery (the probe). Its success keeps the webhook active; its failure deactivates
    /// it. The pause gives a receiver that was merely overloaded room to come back before the verdict.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00", ErrorMessage = "ProbeCoolDown must be between 00:00:00 and 1.00:00:00.")]
    public TimeSpan ProbeCoolDown { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>A failing spell this short (a receiver down for a weekend with little traffic) is not enough to deactivate a webhook.</summary>
    public const int DisableAfterFailures = 20;

    /// <summary>The most of a receiver's answer that is read and kept in the log (<c>response</c>).</summary>
    public const int ResponseBodyLimit = 16 * 1024;
}
