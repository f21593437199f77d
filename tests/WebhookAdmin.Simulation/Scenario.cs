using System.Text;
using WebhookAdmin.Core;
using WebhookAdmin.Core.Delivery;
using WebhookAdmin.Core.Logs;
using WebhookAdmin.Core.Storage;

namespace WebhookAdmin.Simulation;

/// <summary>
/// What happens to the system in one run, all of it chosen by the seed: companies and webhooks, receivers in every
/// mood, events (and test events, and repeats of a caller's id) published through the writer, database outages,
/// crashes and clean restarts, webhooks deactivated and activated again, admins' resends. Then everything is healed
/// and the engine is given time to finish, so that what it promised can be checked.
/// </summary>
public sealed class Scenario(SimWorld world)
{
    /// <summary>How long the faulty part of a run lasts, in simulated time.</summary>
    public static readonly TimeSpan Turbulence = TimeSpan.FromSeconds(90);

    /// <summary>How long the engine has, once everything is healed, to finish every delivery.</summary>
    public static readonly TimeSpan Settling = TimeSpan.FromMinutes(30);

    private readonly Random _random = world.Random;
    private readonly List<string> _companies = [];
    private readonly List<EventWrite> _accepted = [];
    private int _instances;
    private int _events;

    private readonly List<SimInstance> _live = [];
    private readonly List<Task> _stopping = [];

    public IReadOnlyList<EventWrite> Accepted => _accepted;

    public bool StoppedDuringOutage { get; private set; }

    /// <summary>Whether publishing goes on after everything healed (the traffic a stranded delivery would wait behind).</summary>
    private bool _steadyTraffic;

    private SimInstance AnyLive => _live[_random.Next(_live.Count)];

    public async Task RunAsync()
    {
        CreateWebhooks();
        for (var i = world.Shared ? _random.Next(2, 4) : 1; i > 0; i--)
            StartInstance();
        _steadyTraffic = _random.Next(2) == 0;
        var actions = PlanActions();
        foreach (var (at, action) in actions.OrderBy(a => a.At))
        {
            if (at > world.Clock.Elapsed)
                await Task.Delay(at - world.Clock.Elapsed, world.Clock);
            _ = RunActionAsync(action);
        }
        if (Turbulence > world.Clock.Elapsed)
            await Task.Delay(Turbulence - world.Clock.Elapsed, world.Clock);
        await HealAsync();
        await SettleAsync();
        // A last clean stop: the shutdown path is part of the engine too.
        foreach (var instance in _live.ToList())
            await StopAsync(instance);
    }

    /// <summary>
    /// A resend whose NOTIFY the holder of the webhook misses (its LISTEN connection is down for a few seconds), while
    /// events keep coming: when it listens again it must read the queue from its head, or the resent delivery waits
    /// behind the traffic. The resent delivery joins the ones that must go out within the bound.
    /// </summary>
    private bool ResendBehindADeafHolder(List<long> mustFinish)
    {
        var now = world.Clock.Now;
        var candidates = world.Database.Logs.Values
            .Where(l => l.State != DeliveryState.Pending && world.Leases.TryGetValue(l.WebhookId, out var lease) && lease.ExpiresAt > now
                        && _live.Any(i => i.Number == lease.Owner) && _live.Count > 1)
            .ToList();
        if (candidates.Count == 0)
            return false;
        var log = candidates[_random.Next(candidates.Count)];
        var holder = _live.Single(i => i.Number == world.Leases[log.WebhookId].Owner);
        var admin = _live.Where(i => i != holder).ElementAt(_random.Next(_live.Count - 1));
        holder.DropListen();
        if (!world.Database.Resend(log.LogId, Core.UnixTime.Truncate(world.Clock.GetUtcNow().UtcDateTime)))
            return false;
        world.Note($"instance {holder.Number}, holding webhook {log.WebhookId}, stops listening; an admin resends log {log.LogId} through instance {admin.Number}");
        if (!mustFinish.Contains(log.LogId))
            mustFinish.Add(log.LogId);
        admin.Feed.Reread(log.WebhookId);
        world.Notify(admin, other => other.Feed.Reread(log.WebhookId));
        _ = RunActionAsync(async () =>
        {
            await Task.Delay(TimeSpan.FromSeconds(_random.Next(1, 6)), world.Clock);
            if (holder.ListenDown)
                holder.Relisten();
            world.Note($"instance {holder.Number} listens again");
        });
        return true;
    }

    /// <summary>Actions overlap (a partition lasts while events are published); one that throws is a broken scenario, reported.</summary>
    private async Task RunActionAsync(Func<Task> action)
    {
        try
        {
            await action();
        }
        catch (Exception e)
        {
            world.Violation($"a scenario action failed: {e}");
        }
    }

    /// <summary>
    /// Once healed, what was waiting goes out within a bound (its retries, a crashed holder's lease, a reconnect), even
    /// while new events keep coming; then everything is given time to finish.
    /// </summary>
    private async Task SettleAsync()
    {
        var waiting = world.Database.Logs.Values.Where(l => l.State == DeliveryState.Pending).Select(l => l.LogId).ToList();
        var options = world.Options;
        var bound = (options.RetryDelay + options.Timeout) * options.MaxAttempts + options.LeaseTimeout * 2 + TimeSpan.FromSeconds(30);
        var until = world.Clock.Elapsed + bound;
        var probeAt = world.Clock.Elapsed + TimeSpan.FromSeconds(_random.Next(5, 30));
        var probed = !(world.Shared && _steadyTraffic);
        while (world.Clock.Elapsed < until)
        {
            if (_steadyTraffic)
                _ = PublishAsync();
            if (!probed && world.Clock.Elapsed >= probeAt)
                probed = ResendBehindADeafHolder(waiting);
            await Task.Delay(TimeSpan.FromMilliseconds(_random.Next(300, 1_500)), world.Clock);
        }
        foreach (var logId in waiting)
        {
            var log = world.Database.Logs[logId];
            if (log.State == DeliveryState.Pending)
                world.Violation($"log {log.LogId} (webhook {log.WebhookId}, sequence {log.Sequence}) was still pending {bound.TotalSeconds:N0} s after everything healed{(_steadyTraffic ? ", behind steady traffic" : "")}");
        }
        var settleBy = world.Clock.Elapsed + Settling;
        while (world.Database.Logs.Values.Any(l => l.State == DeliveryState.Pending) && world.Clock.Elapsed < settleBy)
            await Task.Delay(TimeSpan.FromSeconds(1), world.Clock);
    }

    private void CreateWebhooks()
    {
        var companies = _random.Next(1, 4);
        for (var c = 0; c < companies; c++)
        {
            var company = $"c{c}";
            _companies.Add(company);
            var webhooks = _random.Next(1, 5);
            for (var w = 0; w < webhooks; w++)
            {
                var id = $"{company}w{w}";
                world.Database.Webhooks.Add(id, new SimWebhook(id, company));
                world.Network.Set(id, Mood());
            }
        }
    }

    private ReceiverMood Mood() => _random.Next(20) switch
    {
        < 9 => ReceiverMood.Healthy,
        < 12 => ReceiverMood.Flaky,
        < 15 => ReceiverMood.Slow,
        < 17 => ReceiverMood.Hanging,
        17 => ReceiverMood.Unreachable,
        _ => ReceiverMood.Failing,
    };

    private SimInstance StartInstance()
    {
        var instance = new SimInstance(world, ++_instances);
        world.Instances.Add(instance);
        _live.Add(instance);
        instance.Start();
        world.Note($"instance {instance.Number} starts");
        return instance;
    }

    private void Crash(SimInstance instance)
    {
        _live.Remove(instance);
        world.Crash(instance);
    }

    private async Task StopAsync(SimInstance instance)
    {
        world.Note($"instance {instance.Number} stops");
        _live.Remove(instance);
        StoppedDuringOutage |= world.Database.Unavailable || instance.DatabaseUnreachable;
        var stopping = instance.StopAsync();
        _stopping.Add(stopping);
        await stopping;
        _stopping.Remove(stopping);
    }

    /// <summary>
    /// On the embedded store one process holds the file: a new one starts once the last has stopped (its writer may
    /// take a while, storing what it was handed). Two at once is not a supported deployment, so not simulated.
    /// </summary>
    private async Task StartAloneAsync()
    {
        while (_stopping.Count > 0)
        {
            await Task.WhenAll(_stopping.ToList());
            _stopping.RemoveAll(stopping => stopping.IsCompleted);
        }
        if (_live.Count == 0)
            StartInstance();
    }

    private List<(TimeSpan At, Func<Task> Action)> PlanActions()
    {
        var actions = new List<(TimeSpan, Func<Task>)>();
        TimeSpan When() => TimeSpan.FromMilliseconds(_random.Next((int)Turbulence.TotalMilliseconds));
        TimeSpan Within(int maxSeconds) => TimeSpan.FromMilliseconds(_random.Next(maxSeconds * 1000));

        var publishes = _random.Next(5, 60);
        for (var i = 0; i < publishes; i++)
            actions.Add((When(), () => { _ = PublishAsync(); return Task.CompletedTask; }));
        for (var i = _random.Next(3); i > 0; i--)
        {
            var (from, length) = (When(), Within(20));
            actions.Add((from, () => { world.Database.Unavailable = true; world.Note("the database goes down"); return Task.CompletedTask; }));
            actions.Add((from + length, () => { world.Database.Unavailable = false; world.Note("the database is back"); return Task.CompletedTask; }));
        }
        for (var i = _random.Next(3); i > 0; i--)
        {
            var pause = Within(5);
            actions.Add((When(), async () =>
            {
                if (_live.Count == 0)
                    return;
                Crash(AnyLive);
                if (_live.Count > 0 && _random.Next(2) == 0)
                    return; // the others carry on; a new instance joins at the heal
                await Task.Delay(pause, world.Clock);
                if (world.Shared)
                    StartInstance();
                else
                    await StartAloneAsync();
            }));
        }
        if (_random.Next(3) == 0)
        {
            actions.Add((When(), async () =>
            {
                if (_live.Count == 0)
                    return;
                var stopping = AnyLive;
                if (world.Shared)
                {
                    // A rolling restart: the new instance starts while the old one stops.
                    StartInstance();
                    await StopAsync(stopping);
                }
                else
                {
                    // One instance on the embedded store: the next starts once the last has stopped.
                    await StopAsync(stopping);
                    await StartAloneAsync();
                }
            }));
        }
        // Partitions from the database last up to three lease times: long enough for a holder's lease to run out while its
        // attempt to a slow receiver is still out, which is when a careless engine lets two instances send at once.
        var longest = world.Shared ? (int)Math.Ceiling(world.Options.LeaseTimeout.TotalSeconds * 3) : 10;
        for (var i = _random.Next(world.Shared ? 5 : 3); i > 0; i--)
        {
            var (from, length) = (When(), Within(longest));
            actions.Add((from, Trouble(length, i => i.DatabaseUnreachable = true, i => i.DatabaseUnreachable = false,
                " loses its database connection", " reaches its database again")));
        }
        for (var i = world.Shared ? _random.Next(4) : 0; i > 0; i--)
        {
            var (from, length) = (When(), Within(longest));
            actions.Add((from, Trouble(length, i => i.LeaseStatementsFail = true, i => i.LeaseStatementsFail = false,
                "'s lease statements start timing out", "'s lease statements answer again")));
        }
        for (var i = world.Shared ? _random.Next(4) : 0; i > 0; i--)
        {
            var (from, length) = (When(), Within(10));
            actions.Add((from, Trouble(length, i => i.DropListen(), i => i.Relisten(), " loses its LISTEN connection", " listens again")));
        }
        for (var i = _random.Next(4); i > 0; i--)
        {
            var webhook = RandomWebhook();
            var (from, length) = (When(), Within(30));
            actions.Add((from, () => { SetActive(webhook, false); return Task.CompletedTask; }));
            actions.Add((from + length, () => { SetActive(webhook, true); return Task.CompletedTask; }));
        }
        for (var i = _random.Next(5); i > 0; i--)
            actions.Add((When(), () => { Resend(); return Task.CompletedTask; }));
        // The failing-webhook check's probe: a cool-down, one attempt, then the verdict (a failed probe deactivates the
        // webhook, and an admin activates it again later, so that its deliveries are still owed).
        for (var i = _random.Next(3); i > 0; i--)
        {
            var webhook = RandomWebhook();
            var (from, coolDown, verdictAfter, activateAfter) = (When(), Within(5), Within(20), Within(20));
            var deactivated = false;
            actions.Add((from, () => { StartProbe(webhook, coolDown); return Task.CompletedTask; }));
            actions.Add((from + coolDown + verdictAfter, () => { deactivated = DecideProbe(webhook); return Task.CompletedTask; }));
            actions.Add((from + coolDown + verdictAfter + activateAfter, () =>
            {
                if (deactivated)
                    SetActive(webhook, true);
                return Task.CompletedTask;
            }));
        }
        for (var i = _random.Next(4); i > 0; i--)
            actions.Add((When(), () => { world.Network.Set(RandomWebhook().Id, Mood()); return Task.CompletedTask; }));
        return actions;
    }

    /// <summary>A live instance in trouble for <paramref name="length"/>, picked when the trouble starts, set right when it ends.</summary>
    private Func<Task> Trouble(TimeSpan length, Action<SimInstance> start, Action<SimInstance> end, string starts, string ends) => async () =>
    {
        if (_live.Count == 0)
            return;
        var instance = AnyLive;
        start(instance);
        world.Note($"instance {instance.Number}{starts}");
        await Task.Delay(length, world.Clock);
        end(instance);
        world.Note($"instance {instance.Number}{ends}");
    };

    private SimWebhook RandomWebhook()
    {
        var webhooks = world.Database.Webhooks.Values.ToList();
        return webhooks[_random.Next(webhooks.Count)];
    }

    private async Task PublishAsync()
    {
        var company = _companies[_random.Next(_companies.Count)];
        var number = ++_events;
        var own = world.Database.Webhooks.Values.Where(w => w.CompanyId == company).ToList();
        // One in six is a test event: one webhook, active or not (it waits for its activation).
        IReadOnlyList<string> webhookIds = _random.Next(6) == 0
            ? [own[_random.Next(own.Count)].Id]
            : own.Where(w => w.IsActive).Select(w => w.Id).ToList();
        // Now and then a caller sends an event again with the same id: it must be recognised, not stored twice.
        var callerId = _random.Next(8) == 0 && number > 1 ? $"{company}-e{_random.Next(1, number)}" : $"{company}-e{number}";
        var write = new EventWrite(company, callerId, "USER_EDIT", "edit", world.Clock.GetUtcNow().UtcDateTime, Encoding.UTF8.GetBytes($"{{\"n\":{number}}}"), webhookIds);
        if (_live.Count == 0)
            return;
        var instance = AnyLive;
        try
        {
            await instance.Writer.StoreAsync([write], TimeSpan.FromSeconds(5));
            _accepted.Add(write);
            world.Note($"event {callerId} accepted by instance {instance.Number}: sequence {write.Sequence}{(write.Repeated ? " (a repeat)" : "")}");
        }
        catch (StorageUnavailableException)
        {
            world.Note($"event {callerId} refused: database unavailable");
        }
        catch (InvalidOperationException)
        {
            // The instance was stopping: its writer takes nothing new.
        }
    }

    private void SetActive(SimWebhook webhook, bool active)
    {
        if (webhook.IsActive == active)
            return;
        webhook.IsActive = active;
        if (!active)
            webhook.InactiveSince = world.Clock.Now;
        world.Note($"webhook {webhook.Id} {(active ? "activated" : "deactivated")}");
        // An admin's activation ends a probe (WebhookService.Reactivate).
        if (active)
            (webhook.ProbeAfter, webhook.ProbedAt, webhook.ProbeSucceeded) = (null, null, false);
        Changed(webhook);
    }

    private void Changed(SimWebhook webhook)
    {
        if (_live.Count == 0)
            return;
        // Saved through one instance, which tells the others (WebhookDirectory.Changed, then a NOTIFY).
        var admin = AnyLive;
        admin.Targets.Changed([webhook.Id]);
        if (world.Shared)
            world.Notify(admin, other => other.Targets.Changed([webhook.Id]));
    }

    private void StartProbe(SimWebhook webhook, TimeSpan coolDown)
    {
        if (!webhook.IsActive || webhook.ProbeAfter is not null)
            return;
        (webhook.ProbeAfter, webhook.ProbedAt, webhook.ProbeSucceeded, webhook.ProbingSince) =
            (UnixTime.Truncate(world.Clock.GetUtcNow().UtcDateTime + coolDown), null, false, world.Clock.Now);
        world.Note($"webhook {webhook.Id} probed after {webhook.ProbeAfter:HH:mm:ss.fff}");
        Changed(webhook);
    }

    /// <summary>Always ends the probe, as the check does sooner or later (or an admin's activation); true when it deactivated the webhook.</summary>
    private bool DecideProbe(SimWebhook webhook)
    {
        if (webhook.ProbeAfter is null)
            return false;
        var failed = webhook is { IsActive: true, ProbedAt: not null, ProbeSucceeded: false };
        (webhook.ProbeAfter, webhook.ProbedAt, webhook.ProbeSucceeded) = (null, null, false);
        world.Note($"webhook {webhook.Id}'s probe ends{(failed ? " in a deactivation" : "")}");
        if (failed)
            SetActive(webhook, false);
        else
            Changed(webhook);
        return failed;
    }

    private void Resend()
    {
        var failed = world.Database.Logs.Values
            .Where(l => l.State == DeliveryState.Failed && world.Database.Webhooks[l.WebhookId].IsActive).ToList();
        if (failed.Count == 0 || _live.Count == 0)
            return;
        var log = failed[_random.Next(failed.Count)];
        if (!world.Database.Resend(log.LogId, Core.UnixTime.Truncate(world.Clock.GetUtcNow().UtcDateTime)))
            return;
        // As DeliveryResender.Announce: this instance's feed, then the others through a NOTIFY.
        var admin = AnyLive;
        world.Note($"an admin resends log {log.LogId} through instance {admin.Number}");
        admin.Feed.Reread(log.WebhookId);
        if (world.Shared)
            world.Notify(admin, other => other.Feed.Reread(log.WebhookId));
    }

    private async Task HealAsync()
    {
        world.Note("everything heals");
        world.Database.Unavailable = false;
        world.Network.HealAll();
        foreach (var instance in _live)
        {
            instance.DatabaseUnreachable = false;
            instance.LeaseStatementsFail = false;
            if (instance.ListenDown)
                instance.Relisten();
        }
        if (!world.Shared)
            await StartAloneAsync();
        else if (_live.Count < 2)
            StartInstance();
        foreach (var webhook in world.Database.Webhooks.Values)
            SetActive(webhook, true);
    }
}
