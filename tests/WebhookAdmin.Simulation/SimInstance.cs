using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using WebhookAdmin.Core.Delivery;
using WebhookAdmin.Core.Logs;
using WebhookAdmin.Core.Webhooks;

namespace WebhookAdmin.Simulation;

/// <summary>
/// One app instance: the real writer and dispatcher (and through it the real lanes and slot gate) over the simulated
/// database, network and clock. A crash freezes it where it stands: whatever it had not committed is gone, and nothing
/// it does afterwards reaches the database or a receiver.
/// </summary>
public sealed class SimInstance
{
    private readonly SimWorld _world;
    private readonly CancellationTokenSource _stopping = new();
    private Task _run = Task.CompletedTask;

    public SimInstance(SimWorld world, int number)
    {
        _world = world;
        Number = number;
        Store = new SimStore(world, this);
        Targets = new SimTargets(world, this);
        Feed = new DeliveryFeed();
        var options = Options.Create(world.Options);
        Writer = new DeliveryWriter(Store, Feed, new LogNotifications(), options, world.Clock, NullLogger<DeliveryWriter>.Instance);
        // As the host starts it, before anything publishes; on the simulation's scheduler, as everything here.
        Writer.StartAsync(CancellationToken.None);
        Dispatcher = new DeliveryDispatcher(
            Store, Writer, Feed, Targets, new SimSender(world, this), new DeliveryTelemetry(new Meters(), world.Clock), options, world.Clock,
            NullLogger<DeliveryDispatcher>.Instance);
    }

    public int Number { get; }
    public SimStore Store { get; }
    public SimTargets Targets { get; }
    public DeliveryFeed Feed { get; }
    public DeliveryWriter Writer { get; }
    public DeliveryDispatcher Dispatcher { get; }

    /// <summary>This instance cannot reach the database (a network partition): every statement fails as unavailable.</summary>
    public bool DatabaseUnreachable { get; set; }

    /// <summary>
    /// Its lease statements (heartbeat, claim, renewal) time out while its other statements still answer: a lock wait on
    /// the leases table, say. Its lanes go on reading and sending while its leases run out unrenewed.
    /// </summary>
    public bool LeaseStatementsFail { get; set; }

    /// <summary>Its LISTEN connection is down: what the others say meanwhile is lost, and it is told so when it reconnects.</summary>
    public bool ListenDown { get; private set; }

    /// <summary>Counts the LISTEN connections it opened: a notification sent on an earlier one is never received.</summary>
    public int ListenEpoch { get; private set; }

    public void DropListen()
    {
        ListenDown = true;
        ListenEpoch++;
    }

    /// <summary>As PostgreSqlNotifications does after a reconnect: everything may have changed.</summary>
    public void Relisten()
    {
        ListenDown = false;
        ListenEpoch++;
        if (Live)
        {
            Targets.ForgetAll();
            Feed.NewsMissed();
        }
    }

    public bool Crashed { get; private set; }
    public bool Stopped { get; private set; }
    public bool Live => !Crashed && !Stopped;

    public void Start() => _run = Dispatcher.RunAsync(_stopping.Token);

    /// <summary>The process is killed: no clean-up of any kind.</summary>
    public void Crash() => Crashed = true;

    /// <summary>A clean stop, as the host does it: the dispatcher stops its lanes, then the writer stores what it was handed.</summary>
    public async Task StopAsync()
    {
        Stopped = true;
        _stopping.Cancel();
        await _run;
        await Writer.DisposeAsync();
    }

    private sealed class Meters : IMeterFactory
    {
        public Meter Create(MeterOptions options) => new(options);

        public void Dispose()
        {
        }
    }
}

/// <summary>
/// The engine's store over the simulated database: each statement takes simulated time and may fail while the database
/// is down or out of this instance's reach. With several instances it keeps PostgreSQL's contract: leases taken,
/// renewed and given back as <c>PostgreSqlDeliveryStore</c> does, attempt records fenced by the lease, and NOTIFYs
/// that reach the other instances late, twice, or not at all when their LISTEN connection is down.
/// </summary>
public sealed class SimStore(SimWorld world, SimInstance instance) : IDeliveryStore
{
    public TimeSpan LeaseTerm => world.Shared ? world.Options.LeaseTimeout : Timeout.InfiniteTimeSpan;

    public async Task WriteAsync(IReadOnlyList<DeliveryWrite> batch, CancellationToken cancellationToken)
    {
        await world.StatementAsync(instance);
        // The commit is the instant the statement ends: a crash before it loses the batch, after it keeps it.
        var fenced = world.Shared
            ? batch.Where(w => w is not AttemptWrite a || world.Leases.TryGetValue(a.WebhookId, out var lease) && lease.Owner == instance.Number).ToList()
            : batch;
        foreach (var dropped in batch.OfType<AttemptWrite>().Except(fenced.OfType<AttemptWrite>()))
            world.Fenced.Add((dropped.LogId, dropped.Attempt.Number, dropped.Attempt.StartedAt));
        world.Database.Apply(fenced, world.Violation);
        world.Note($"instance {instance.Number} commits {batch.Count} writes{(fenced.Count < batch.Count ? $" ({batch.Count - fenced.Count} attempt records fenced off)" : "")}");
        if (world.Shared)
        {
            var work = batch.OfType<EventWrite>().SelectMany(e => e.Created).Select(d => d.WebhookId).Distinct(StringComparer.Ordinal).ToArray();
            if (work.Length > 0)
                world.Notify(instance, other => other.Feed.RemoteWork(work));
        }
    }

    public async Task<IReadOnlyList<QueuedDelivery>> PendingAsync(string webhookId, long afterSequence, int limit, CancellationToken cancellationToken)
    {
        await world.StatementAsync(instance);
        return world.Database.Pending(webhookId, afterSequence, limit);
    }

    public async Task<WorkClaim> ClaimWorkAsync(IReadOnlyCollection<string> held, int busy, IReadOnlyCollection<string> askedAbout, CancellationToken cancellationToken)
    {
        await world.StatementAsync(instance);
        if (!world.Shared)
            return WorkClaim.Alone(world.Database.WebhooksWithWork());
        FailIfLeaseStatementsDo();
        var now = world.Clock.Now;
        var heldElsewhere = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
        foreach (var id in askedAbout)
        {
            if (world.Leases.TryGetValue(id, out var lease) && lease.Owner != instance.Number && lease.ExpiresAt > now)
                heldElsewhere[id] = TimeSpan.FromTicks(lease.ExpiresAt - now);
        }
        var wanted = Heartbeat() - busy;
        if (wanted <= 0)
            return new WorkClaim([], heldElsewhere);
        var candidates = world.Database.WebhooksWithWork()
            .Where(id => !held.Contains(id) && !(world.Leases.TryGetValue(id, out var lease) && lease.ExpiresAt > now && lease.Owner != instance.Number))
            .OrderBy(_ => world.Random.Next())
            .Take(wanted)
            .ToList();
        foreach (var id in candidates)
        {
            if (world.Leases.TryGetValue(id, out var before) && before.Owner != instance.Number)
                world.Takeovers++;
            world.Leases[id] = new SimLease(instance.Number, now + world.Options.LeaseTimeout.Ticks);
        }
        if (candidates.Count > 0)
            world.Note($"instance {instance.Number} claims {string.Join(", ", candidates)}");
        return new WorkClaim(candidates, heldElsewhere);
    }

    public async Task<LeaseRenewal> RenewAsync(IReadOnlyCollection<string> held, CancellationToken cancellationToken)
    {
        // Alone, as on SQLite: every lease is held for good, no statement is made.
        if (!world.Shared)
            return new LeaseRenewal(held.ToHashSet(StringComparer.Ordinal), int.MaxValue);
        await world.StatementAsync(instance);
        FailIfLeaseStatementsDo();
        var share = Heartbeat();
        var renewed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var id in held)
        {
            if (world.Leases.TryGetValue(id, out var lease) && lease.Owner == instance.Number)
            {
                world.Leases[id] = lease with { ExpiresAt = world.Clock.Now + world.Options.LeaseTimeout.Ticks };
                renewed.Add(id);
            }
        }
        return new LeaseRenewal(renewed, share);
    }

    public async Task ReleaseAsync(IReadOnlyCollection<string> webhookIds, CancellationToken cancellationToken)
    {
        if (!world.Shared)
            return;
        await world.StatementAsync(instance);
        foreach (var id in webhookIds)
        {
            if (world.Leases.TryGetValue(id, out var lease) && lease.Owner == instance.Number)
                world.Leases.Remove(id);
        }
        var given = webhookIds.ToArray();
        world.Notify(instance, other => other.Feed.Released(given));
    }

    public async Task LeaveAsync(CancellationToken cancellationToken)
    {
        if (!world.Shared)
            return;
        await world.StatementAsync(instance);
        foreach (var id in world.Leases.Where(l => l.Value.Owner == instance.Number).Select(l => l.Key).ToList())
            world.Leases.Remove(id);
        world.Heartbeats.Remove(instance.Number);
        world.Notify(instance, other => other.Feed.Released(null));
    }

    private void FailIfLeaseStatementsDo()
    {
        if (instance.LeaseStatementsFail)
            throw new Core.Storage.StorageUnavailableException("simulated: the lease statement timed out");
    }

    /// <summary>Says this instance is alive; its fair share is the webhooks with work over the live instances, rounded up.</summary>
    private int Heartbeat()
    {
        var now = world.Clock.Now;
        var others = world.Heartbeats.Count(h => h.Key != instance.Number && h.Value > now - world.Options.LeaseTimeout.Ticks);
        world.Heartbeats[instance.Number] = now;
        var withWork = world.Database.WebhooksWithWork().Count;
        return (withWork + others) / (others + 1);
    }

    public async Task<BacklogSnapshot> BacklogAsync(CancellationToken cancellationToken)
    {
        await world.StatementAsync(instance);
        var pending = world.Database.Logs.Values.Where(l => l.State == DeliveryState.Pending).ToList();
        return new BacklogSnapshot(pending.Count(l => l.Retry == 0), pending.Count(l => l.Retry > 0), pending.Count > 0 ? pending.Min(l => l.CreatedAt) : null);
    }
}

public sealed record SimLease(int Owner, long ExpiresAt);

/// <summary>
/// The webhooks' settings as the engine reads them before each attempt, cached like <c>WebhookDirectory</c>: until a
/// save (here or, through a NOTIFY, elsewhere) or <see cref="WebhookDirectory.RefreshAfter"/>. So an instance cut off
/// from the database goes on sending from its cache, as the real one does.
/// </summary>
public sealed class SimTargets(SimWorld world, SimInstance instance) : IDeliveryTargets
{
    private readonly Dictionary<string, (DeliveryTarget? Target, long ReadAt)> _cache = new(StringComparer.Ordinal);

    public event Action<IReadOnlyCollection<string>>? WebhooksChanged;

    public async ValueTask<DeliveryTarget?> TargetAsync(string webhookId, CancellationToken cancellationToken = default)
    {
        if (_cache.TryGetValue(webhookId, out var cached) && world.Clock.Now - cached.ReadAt < WebhookDirectory.RefreshAfter.Ticks)
            return cached.Target;
        await world.StatementAsync(instance);
        DeliveryTarget? target = null;
        if (world.Database.Webhooks.TryGetValue(webhookId, out var webhook))
        {
            target = new DeliveryTarget(new Webhook
            {
                Id = webhook.Id,
                CompanyId = webhook.CompanyId,
                IsActive = webhook.IsActive,
                ProbeAfter = webhook.ProbeAfter,
                ProbedAt = webhook.ProbedAt,
                ProbeSucceeded = webhook.ProbeSucceeded,
                Trigger = "USER_EDIT",
                Url = $"https://receiver.test/{webhook.Id}",
                Name = webhook.Id,
                Code = webhook.Id,
            });
        }
        _cache[webhookId] = (target, world.Clock.Now);
        return target;
    }

    public void Changed(IReadOnlyCollection<string> webhookIds)
    {
        foreach (var webhookId in webhookIds)
            _cache.Remove(webhookId);
        WebhooksChanged?.Invoke(webhookIds);
    }

    public void ForgetAll() => _cache.Clear();
}

/// <summary>The network and the receivers: every request is seen by the world, which checks the promises made to receivers.</summary>
public sealed class SimSender(SimWorld world, SimInstance instance) : IAttemptSender
{
    public async Task<AttemptResult> SendAsync(DeliveryTarget target, QueuedDelivery delivery, CancellationToken cancellationToken)
    {
        if (instance.Crashed)
            await SimWorld.Never;
        var started = world.Clock.GetUtcNow().UtcDateTime;
        var send = world.BeginSend(instance, delivery);
        try
        {
            var answer = world.Network.Answer(target.WebhookId, world.Options.Timeout);
            await Task.Delay(answer.Arrival, world.Clock, cancellationToken);
            if (instance.Crashed)
                await SimWorld.Never;
            if (answer.Arrives)
                world.Arrived(send);
            await Task.Delay(answer.Latency - answer.Arrival, world.Clock, cancellationToken);
            if (instance.Crashed)
                await SimWorld.Never;
            var duration = world.Clock.GetUtcNow().UtcDateTime - started;
            var result = answer.Status is { } status
                ? new AttemptResult(status, WebhookSender.IsSuccess(status), $"simulated {status}", started, duration, false)
                : new AttemptResult(0, false, answer.Arrives ? "timeout" : "connection refused", started, duration, true);
            send.Answered(result);
            return result;
        }
        finally
        {
            world.EndSend(send);
        }
    }
}
