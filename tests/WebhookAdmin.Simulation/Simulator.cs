using WebhookAdmin.Core;
using WebhookAdmin.Core.Delivery;
using WebhookAdmin.Core.Logs;

namespace WebhookAdmin.Simulation;

/// <summary>What one seed did, and every promise it saw broken.</summary>
public sealed record SimResult(
    int Seed, IReadOnlyList<string> Violations, long Steps, TimeSpan SimulatedTime, int Events, int Deliveries, int Sends, int Takeovers, long Fingerprint,
    IReadOnlyList<string> Trace)
{
    public bool Passed => Violations.Count == 0;

    public PlantedFault Fault { get; init; }

    public string ReplayCommand =>
        $"{(Fault == PlantedFault.None ? "" : $"WEBHOOKADMIN_SIM_FAULT={Fault} ")}WEBHOOKADMIN_SIM_SEED={Seed} dotnet test tests/WebhookAdmin.Simulation --filter FullyQualifiedName~One_seed_replayed";
}

/// <summary>
/// Runs the real delivery engine under a seed: one thread, simulated time, every choice (which task runs next, what a
/// receiver answers, when the database goes down, when an instance crashes) drawn from the seed, so a failing seed
/// runs again exactly. Then checks what the engine promises.
/// </summary>
public static class Simulator
{
    /// <summary>Beyond this many steps a run is reported as stuck in a loop.</summary>
    private const long MaxSteps = 2_000_000;

    public static SimResult Run(int seed, PlantedFault fault = PlantedFault.None, bool trace = false)
    {
        // An await resumes on the thread's synchronization context before the task's scheduler: a test runner's context
        // would take the engine's continuations off to other threads.
        var context = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(null);
        try
        {
            return RunAlone(seed, fault, trace);
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(context);
        }
    }

    private static SimResult RunAlone(int seed, PlantedFault fault, bool trace)
    {
        var world = new SimWorld(seed, OptionsFor(seed), fault, trace, SharesWork(seed));
        var scenario = new Scenario(world);
        var run = Task.Factory.StartNew(scenario.RunAsync, CancellationToken.None, TaskCreationOptions.DenyChildAttach, world.Scheduler).Unwrap();
        var pace = new Random(unchecked(seed * 13 + 5));
        long timersFired = 0;
        using var watchdog = new Timer(_ => world.Clock.Interrupted = true, null, TimeSpan.FromSeconds(15), Timeout.InfiniteTimeSpan);
        // A loop that never reads the clock cannot be interrupted: rather than hang the test run, stop it, naming the seed.
        using var lastResort = new Timer(
            _ => Environment.FailFast($"simulation seed {seed} is stuck in a step that never yields; replay it with WEBHOOKADMIN_SIM_SEED={seed}"),
            null, TimeSpan.FromSeconds(90), Timeout.InfiniteTimeSpan);
        while (!run.IsCompleted)
        {
            if (world.Scheduler.RunOne())
            {
                // Time also passes while code runs: now and then a step takes a while, and timers fall due in between.
                if (pace.Next(64) == 0)
                    world.Clock.Advance(TimeSpan.FromMicroseconds(pace.Next(1, 20_000)));
            }
            else if (world.Clock.NextDue is { } due)
            {
                world.Clock.AdvanceTo(due);
                if (++timersFired > MaxSteps)
                {
                    world.Violation($"the run did not end within {MaxSteps:N0} timers fired with nothing to run in between");
                    break;
                }
            }
            else
            {
                world.Violation("the run stopped: nothing is ready and no timer is due (a lost wake-up)");
                break;
            }
            if (world.Clock.Interrupted)
            {
                world.Clock.Interrupted = false;
                world.Violation("the run took more than 15 s of real time: a step spun on the clock (a livelock), or the run is far too long");
                break;
            }
            if (world.Scheduler.Steps > MaxSteps)
            {
                world.Violation($"the run did not end within {MaxSteps:N0} steps");
                break;
            }
        }
        if (run.IsFaulted)
            world.Violation($"the scenario failed: {run.Exception!.InnerException}");
        if (world.Scheduler.Escaped is { } escaped)
            world.Violation(escaped);
        if (run.IsCompletedSuccessfully)
            Check(world, scenario);
        return new SimResult(
            seed, world.Violations, world.Scheduler.Steps, world.Clock.Elapsed, world.Database.Events.Count, world.Database.Logs.Count, world.Sends.Count, world.Takeovers,
            Fingerprint(world), world.Trace) { Fault = fault };
    }

    /// <summary>Even seeds run several instances sharing the work (PostgreSQL's contract), odd ones a single instance (SQLite's).</summary>
    public static bool SharesWork(int seed) => seed % 2 == 0;

    /// <summary>Small windows, buffers and slot counts, so that the paths taken when they are full run in every seed.</summary>
    public static DeliveryOptions OptionsFor(int seed)
    {
        var random = new Random(unchecked(seed * 7 + 1));
        T Pick<T>(params T[] choices) => choices[random.Next(choices.Length)];
        var slots = random.Next(1, 7);
        var timeout = TimeSpan.FromSeconds(Pick(1, 2, 5, 10));
        return new DeliveryOptions
        {
            // As short as the engine allows (LeaseOutlastsAttempts), so that leases run out, and are taken over, often.
            LeaseTimeout = timeout * Pick(DeliveryOptions.LeasePerTimeout, 3, 5),
            MaxAttempts = 3,
            RetryDelay = TimeSpan.FromSeconds(30),
            Timeout = timeout,
            PollInterval = TimeSpan.FromSeconds(Pick(1, 5)),
            LaneWindow = Pick(1, 2, 3, 8, 256),
            MaxBufferedDeliveries = Pick(1, 2, 4, 16, 1000),
            MaxConcurrentDeliveries = slots,
            MaxConcurrentDeliveriesPerCompany = random.Next(1, slots + 1),
            MaxUnrecordedAttempts = Pick(1, 2, 8, 64),
        };
    }

    private static void Check(SimWorld world, Scenario scenario)
    {
        var database = world.Database;
        var options = world.Options;

        // Durable: every event a publisher was told was accepted is stored, with a delivery per webhook it matched.
        foreach (var write in scenario.Accepted)
        {
            var stored = database.Events.FirstOrDefault(e => e.Sequence == write.Sequence);
            if (stored is null)
                world.Violation($"accepted event {write.CallerId} (sequence {write.Sequence}) is not stored");
            else if (!write.Repeated && !stored.Body.AsSpan().SequenceEqual(write.Body))
                world.Violation($"accepted event {write.CallerId} is stored with another body");
        }
        foreach (var group in database.Events.GroupBy(e => System.Text.Encoding.UTF8.GetString(e.Body)))
        {
            if (group.Count() > 1)
                world.Violation($"event {group.Key} is stored {group.Count()} times");
        }

        // Every delivery finished once everything healed, and each attempt it records was made, once.
        var sendsByAttempt = world.Sends.Where(s => s.Result is not null)
            .GroupBy(s => (s.LogId, s.Number, UnixTime.Truncate(s.Result!.StartedAt)))
            .ToDictionary(g => g.Key, g => g.ToList());
        foreach (var log in database.Logs.Values)
        {
            if (log.State == DeliveryState.Pending)
            {
                world.Violation($"log {log.LogId} (webhook {log.WebhookId}, sequence {log.Sequence}) is still pending {Scenario.Settling.TotalMinutes} minutes after everything healed");
                continue;
            }
            var attempts = database.Attempts.Where(a => a.Key.LogId == log.LogId).Select(a => a.Value).OrderBy(a => a.Number).ToList();
            if (!attempts.Select(a => a.Number).SequenceEqual(Enumerable.Range(1, log.Retry)))
                world.Violation($"log {log.LogId} says {log.Retry} attempts; its attempt rows are [{string.Join(", ", attempts.Select(a => a.Number))}]");
            if (attempts.Count(a => !a.Manual) > options.MaxAttempts)
                world.Violation($"log {log.LogId} has {attempts.Count(a => !a.Manual)} automatic attempts recorded (most: {options.MaxAttempts})");
            if (log.State == DeliveryState.Succeeded && attempts.LastOrDefault() is not { Succeeded: true })
                world.Violation($"log {log.LogId} is SUCCESS but its last attempt did not succeed");
            foreach (var attempt in attempts)
            {
                if (!sendsByAttempt.TryGetValue((attempt.LogId, attempt.Number, attempt.StartedAt), out var sends) || sends[0].Result!.Status != attempt.Status)
                    world.Violation($"attempt {attempt.Number} of log {attempt.LogId} is recorded but no such request was made");
            }
        }

        // An attempt answered by an instance that neither crashed nor gave records up at a stop in an outage is recorded.
        foreach (var send in world.Sends.Where(s => s.Result is not null && !s.Instance.Crashed && !(s.Instance.Stopped && scenario.StoppedDuringOutage)
                     && !world.Fenced.Contains((s.LogId, s.Number, UnixTime.Truncate(s.Result.StartedAt)))))
        {
            if (!database.Attempts.TryGetValue((send.LogId, send.Number), out var row) || row.StartedAt != UnixTime.Truncate(send.Result!.StartedAt))
                world.Violation($"attempt {send.Number} of log {send.LogId} was made (and answered {send.Result!.Status}) but is not in the log");
        }

        // Each webhook's deliveries are numbered 1, 2, 3… in publish order, and every request for one says its number.
        foreach (var webhook in database.Logs.Values.GroupBy(l => l.WebhookId))
        {
            var numbers = webhook.OrderBy(l => l.Sequence).Select(l => l.WebhookSequence).ToList();
            if (!numbers.SequenceEqual(Enumerable.Range(1, numbers.Count).Select(n => (long)n)))
                world.Violation($"webhook {webhook.Key}'s deliveries are numbered [{string.Join(", ", numbers.Take(20))}…] in publish order, not 1 to {numbers.Count}");
        }
        foreach (var send in world.Sends)
        {
            if (database.Logs.TryGetValue(send.LogId, out var log) && send.WebhookSequence != log.WebhookSequence)
                world.Violation($"a request for log {send.LogId} said webhook-sequence {send.WebhookSequence}; the log's number is {log.WebhookSequence}");
        }

        // Receivers see each webhook's deliveries arrive for the first time in publish order (a resend is the admin's choice).
        foreach (var webhook in world.Sends.Where(s => !s.Manual && s.ArrivedAt is not null).GroupBy(s => s.WebhookId))
        {
            var firsts = webhook.GroupBy(s => s.LogId).Select(g => g.MinBy(s => s.ArrivedAt)!).OrderBy(s => s.ArrivedAt).ThenBy(s => s.Id).ToList();
            for (var i = 1; i < firsts.Count; i++)
            {
                if (firsts[i].Sequence < firsts[i - 1].Sequence)
                {
                    world.Violation($"webhook {webhook.Key} received sequence {firsts[i].Sequence} (log {firsts[i].LogId}) after sequence {firsts[i - 1].Sequence} (log {firsts[i - 1].LogId})");
                    break;
                }
            }
        }
    }

    /// <summary>The same for the same seed, in any process (HashCode is seeded per process, so it is not used).</summary>
    private static long Fingerprint(SimWorld world)
    {
        var hash = unchecked((long)0xcbf29ce484222325);
        void Add(long value) => hash = unchecked((hash ^ value) * 0x100000001b3);
        Add(world.Scheduler.Steps);
        Add(world.Clock.Now);
        foreach (var send in world.Sends)
        {
            Add(send.StartedAt);
            Add(send.LogId);
            Add(send.Instance.Number);
            Add(send.Result?.Status ?? -1);
        }
        return hash;
    }
}
