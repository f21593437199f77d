using WebhookAdmin.Core.Delivery;

namespace WebhookAdmin.Simulation;

/// <summary>Everything one seeded run shares: the clock, the scheduler, the database, the network, and what was seen.</summary>
public sealed class SimWorld
{
    /// <summary>What a crashed instance waits on: it never runs again.</summary>
    public static readonly Task Never = new TaskCompletionSource().Task;

    private readonly Dictionary<string, Send> _inFlight = new(StringComparer.Ordinal);

    public SimWorld(int seed, DeliveryOptions options, PlantedFault fault, bool tracing, bool shared)
    {
        Tracing = tracing;
        Shared = shared;
        Seed = seed;
        Random = new Random(seed);
        Clock = new SimClock();
        Scheduler = new SimScheduler(new Random(unchecked(seed * 31 + 7)));
        Options = options;
        Database = new SimDatabase { Fault = fault, Shared = shared };
        Network = new SimNetwork(new Random(unchecked(seed * 17 + 3)));
    }

    public int Seed { get; }
    public Random Random { get; }
    public SimClock Clock { get; }
    public SimScheduler Scheduler { get; }
    public DeliveryOptions Options { get; }
    public SimDatabase Database { get; }
    public SimNetwork Network { get; }
    public List<SimInstance> Instances { get; } = [];

    /// <summary>Several instances share the database and the work, as on PostgreSQL; otherwise one at a time, as on SQLite.</summary>
    public bool Shared { get; init; }

    public Dictionary<string, SimLease> Leases { get; } = new(StringComparer.Ordinal);
    public Dictionary<int, long> Heartbeats { get; } = [];

    /// <summary>Leases taken over from another instance after they ran out (how often the search crossed that path).</summary>
    public int Takeovers { get; set; }

    /// <summary>Attempt records the lease fencing dropped (their instance no longer held the webhook): repeats by design.</summary>
    public HashSet<(long LogId, int Number, DateTime StartedAt)> Fenced { get; } = [];

    /// <summary>
    /// A NOTIFY from <paramref name="from"/>, delivered on commit to every other live instance: mostly within milliseconds,
    /// sometimes seconds late, now and then twice; lost for an instance whose LISTEN connection is down or drops before it arrives.
    /// </summary>
    public void Notify(SimInstance from, Action<SimInstance> deliver)
    {
        foreach (var other in Instances.Where(i => i != from && i.Live))
        {
            if (other.ListenDown)
                continue;
            var copies = Random.Next(50) == 0 ? 2 : 1;
            for (var i = 0; i < copies; i++)
                _ = DeliverAsync(other, other.ListenEpoch, Random.Next(10) == 0 ? TimeSpan.FromMilliseconds(Random.Next(500, 5_000)) : TimeSpan.FromMilliseconds(Random.Next(0, 20)), deliver);
        }
    }

    private async Task DeliverAsync(SimInstance to, int epoch, TimeSpan after, Action<SimInstance> deliver)
    {
        await Task.Delay(after, Clock);
        if (to.Live && !to.ListenDown && to.ListenEpoch == epoch)
            deliver(to);
    }
    public List<Send> Sends { get; } = [];
    public List<string> Violations { get; } = [];
    public List<string> Trace { get; } = [];

    /// <summary>Each statement's time in the database, chosen by the seed; a down database fails it, a crashed instance never gets its answer.</summary>
    public async Task StatementAsync(SimInstance instance)
    {
        OnSchedule();
        if (instance.Crashed)
            await Never;
        if (Random.Next(4) == 0)
            await Task.Delay(TimeSpan.FromMicroseconds(Random.Next(100, 5_000)), Clock);
        else
            await Task.Yield();
        if (instance.Crashed)
            await Never;
        if (Database.Unavailable || instance.DatabaseUnreachable)
            throw new Core.Storage.StorageUnavailableException("simulated outage: the database is down");
    }

    /// <summary>Records, once, engine code found running off the simulation's scheduler (its run can no longer be replayed).</summary>
    public void OnSchedule()
    {
        if (TaskScheduler.Current != Scheduler && Scheduler.Escaped is null)
            Violation($"engine code ran outside the simulation's scheduler (thread {Environment.CurrentManagedThreadId}): {Environment.StackTrace}");
    }

    public void Violation(string what)
    {
        if (Violations.Count < 20)
            Violations.Add($"{Clock.Elapsed:hh\\:mm\\:ss\\.fff} {what}");
    }

    /// <summary>Kept only when replaying one seed: formatting every step would slow the search down.</summary>
    public bool Tracing { get; init; }

    public void Note(string what)
    {
        if (Tracing && Trace.Count < 20_000)
            Trace.Add($"{Clock.Elapsed:hh\\:mm\\:ss\\.fff} {what}");
    }

    public Send BeginSend(SimInstance instance, QueuedDelivery delivery)
    {
        OnSchedule();
        var webhook = Database.Webhooks[delivery.WebhookId];
        var send = new Send(Sends.Count, instance, delivery, Clock.Now);
        Sends.Add(send);
        if (_inFlight.TryGetValue(delivery.WebhookId, out var other))
            Violation($"two attempts in flight for webhook {delivery.WebhookId}: log {other.LogId} (instance {other.Instance.Number}) and log {send.LogId} (instance {instance.Number})");
        _inFlight[delivery.WebhookId] = send;
        // An edit applies from the next attempt on, read just before it is sent. The instance where the admin saved
        // forgets its cached settings at once; the others when the NOTIFY comes (up to 5 s late here) or, if their LISTEN
        // connection was down (up to 10 s here), when it is back.
        var allowed = Shared ? TimeSpan.FromSeconds(11) : TimeSpan.FromSeconds(1);
        if (!webhook.IsActive && Clock.Now - webhook.InactiveSince > allowed.Ticks)
            Violation($"log {send.LogId} was sent to webhook {send.WebhookId}, inactive since {TimeSpan.FromTicks(webhook.InactiveSince):hh\\:mm\\:ss\\.fff}");
        if (webhook.ProbeAfter is { } probeAfter && Clock.GetUtcNow().UtcDateTime < probeAfter && Clock.Now - webhook.ProbingSince > allowed.Ticks)
            Violation($"log {send.LogId} was sent to webhook {send.WebhookId} during its probe's cool-down (until {probeAfter:HH:mm:ss.fff})");
        if (Tracing)
            Note($"instance {instance.Number} sends log {send.LogId} (webhook {send.WebhookId}, sequence {send.Sequence}, attempt {send.Number}{(send.Manual ? ", manual" : "")})");
        return send;
    }

    public void Arrived(Send send) => send.ArrivedAt = Clock.Now;

    public void EndSend(Send send)
    {
        if (send.Ended)
            return;
        send.Ended = true;
        if (_inFlight.TryGetValue(send.WebhookId, out var current) && ReferenceEquals(current, send))
            _inFlight.Remove(send.WebhookId);
    }

    /// <summary>A crash closes the instance's connections: its requests in flight end with it.</summary>
    public void Crash(SimInstance instance)
    {
        instance.Crash();
        foreach (var send in Sends.Where(s => s.Instance == instance && !s.Ended))
            EndSend(send);
        Note($"instance {instance.Number} crashes");
    }
}

/// <summary>One request sent to a receiver.</summary>
public sealed class Send(int number, SimInstance instance, QueuedDelivery delivery, long startedAt)
{
    public int Id { get; } = number;
    public SimInstance Instance { get; } = instance;
    public long LogId { get; } = delivery.LogId;
    public string WebhookId { get; } = delivery.WebhookId;
    public long Sequence { get; } = delivery.Sequence;

    /// <summary>What the request's <c>webhook-sequence</c> header says.</summary>
    public long WebhookSequence { get; } = delivery.WebhookSequence;

    /// <summary>What the request's <c>webhook-attempt</c> header says.</summary>
    public int Number { get; } = delivery.AttemptNumber;

    public bool Manual { get; } = delivery.Manual;
    public long StartedAt { get; } = startedAt;
    public long? ArrivedAt { get; set; }
    public bool Ended { get; set; }
    public AttemptResult? Result { get; private set; }

    public void Answered(AttemptResult result) => Result = result;
}

/// <summary>How each receiver answers, from the seed: healthy, flaky, slow, hanging or unreachable, and healed at the end.</summary>
public sealed class SimNetwork(Random random)
{
    private readonly Dictionary<string, ReceiverMood> _moods = new(StringComparer.Ordinal);

    public void Set(string webhookId, ReceiverMood mood) => _moods[webhookId] = mood;

    public void HealAll()
    {
        foreach (var webhookId in _moods.Keys.ToList())
            _moods[webhookId] = ReceiverMood.Healthy;
    }

    public Answer Answer(string webhookId, TimeSpan timeout)
    {
        var mood = _moods.GetValueOrDefault(webhookId);
        TimeSpan Quick() => TimeSpan.FromMilliseconds(random.Next(1, 80));
        var (latency, status, arrives) = mood switch
        {
            ReceiverMood.Flaky => (Quick(), random.Next(3) == 0 ? 503 : 200, true),
            ReceiverMood.Slow => random.Next(3) == 0 ? (timeout, (int?)null, true) : (TimeSpan.FromMilliseconds(random.Next(100, 3_000)), 200, true),
            ReceiverMood.Hanging => (timeout, (int?)null, true),
            ReceiverMood.Unreachable => (TimeSpan.FromMilliseconds(random.Next(1, 20)), (int?)null, false),
            ReceiverMood.Failing => (Quick(), 500, true),
            _ => (Quick(), random.Next(10) == 0 ? 204 : 200, true),
        };
        latency = latency > timeout ? timeout : latency;
        var arrival = TimeSpan.FromTicks(latency.Ticks / 2);
        return new Answer(latency, arrival, status, arrives);
    }
}

public enum ReceiverMood
{
    Healthy,
    Flaky,
    Slow,
    Hanging,
    Unreachable,
    Failing,
}

/// <param name="Status">Null when no answer comes (a timeout or a refused connection).</param>
public sealed record Answer(TimeSpan Latency, TimeSpan Arrival, int? Status, bool Arrives);
