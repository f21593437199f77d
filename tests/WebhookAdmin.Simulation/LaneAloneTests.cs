using System.Diagnostics.Metrics;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using WebhookAdmin.Core.Delivery;
using WebhookAdmin.Core.Webhooks;

namespace WebhookAdmin.Simulation;

/// <summary>
/// One <c>DeliveryLane</c> run alone, over nothing but the narrow parts it is given (a queue, a recorder, the settings,
/// a sender, the clock) — no dispatcher, no database — on the simulation's scheduler and clock: simulated seconds pass
/// in no time, and every instant below is exact.
/// </summary>
public sealed class LaneAloneTests
{
    private static readonly DeliveryOptions Options = new() { RetryDelay = TimeSpan.FromSeconds(30), MaxAttempts = 3 };

    [Fact]
    public void A_lane_alone_retries_after_exactly_the_retry_delay_keeps_order_then_retires_when_idle()
    {
        var clock = new SimClock();
        var scheduler = new SimScheduler(new Random(1));
        var start = clock.GetUtcNow().UtcDateTime;
        var queue = new Queue(Enumerable.Range(1, 3).Select(n => new QueuedDelivery(n, "w1", n, n, start, Encoding.UTF8.GetBytes($"{{\"n\":{n}}}"))));
        var sender = new Sender(clock, failFirst: 1);
        var recorder = new Recorder();
        var lane = new DeliveryLane("w1", Parts(queue, recorder, sender, clock, Timeout.InfiniteTimeSpan), clock.GetTimestamp());

        var released = RunToEnd(() => lane.RunAsync(CancellationToken.None), scheduler, clock);

        Assert.True(released, "a lane that retires after its idle time gives its webhook back");
        // Sent at 0 s (answered 500 after 50 ms), again exactly 30 s after that answer, then 2 and 3 right behind it.
        Assert.Equal([(1L, 0L), (1L, 30_050L), (2L, 30_100L), (3L, 30_150L)], sender.Sent.Select(s => (s.Sequence, s.AtMs)));
        Assert.Equal([(1L, 1), (1L, 2), (2L, 1), (3L, 1)], recorder.Records.Select(r => (r.LogId, r.Attempt.Number)));
        Assert.Equal([0L, 1L], queue.ReadsAfter);
        // Idle for a minute after the last answer, then retired: a lane alone keeps its webhook that long.
        Assert.Equal(30_200 + 60_000, (long)clock.Elapsed.TotalMilliseconds - 1_000);
    }

    [Fact]
    public void A_lane_whose_lease_goes_unconfirmed_starts_no_attempt_it_could_not_finish_under_it_and_keeps_the_webhook()
    {
        var clock = new SimClock();
        var scheduler = new SimScheduler(new Random(2));
        var start = clock.GetUtcNow().UtcDateTime;
        var queue = new Queue(Enumerable.Range(1, 5_000).Select(n => new QueuedDelivery(n, "w1", n, n, start, Encoding.UTF8.GetBytes("{}"))));
        var sender = new Sender(clock, failFirst: 0);
        // A 75 s lease renewed by nobody: usable for 60 s, and an attempt (timeout 30 s) starts only in its first 30.
        var lane = new DeliveryLane("w1", Parts(queue, new Recorder(), sender, clock, TimeSpan.FromSeconds(75)), clock.GetTimestamp());

        var released = RunToEnd(() => lane.RunAsync(CancellationToken.None), scheduler, clock);

        Assert.False(released, "a lease that ran out is not this instance's to give back");
        Assert.Equal(601, sender.Sent.Count); // one every 50 ms from 0 s to 30 s included
        Assert.Equal(30_000L, sender.Sent[^1].AtMs);
        // It then waited, looking every 100 ms for a renewal, and stopped as the usable part of the lease ran out.
        Assert.InRange((long)clock.Elapsed.TotalMilliseconds - 1_000, 60_000, 60_100);
    }

    private static LaneParts Parts(Queue queue, Recorder recorder, Sender sender, SimClock clock, TimeSpan leaseTerm) => new()
    {
        Queue = queue,
        Recorder = recorder,
        Targets = new Targets(),
        Sender = sender,
        Slots = new FairSlotGate(4, 4),
        Buffer = new DeliveryBuffer(100),
        Telemetry = new DeliveryTelemetry(new Meters(), clock),
        Options = Options,
        Clock = clock,
        LeaseTerm = leaseTerm,
        Logger = NullLogger.Instance,
    };

    /// <summary>Runs <paramref name="body"/> on the simulation's scheduler, moving the clock to the next timer whenever nothing is ready.</summary>
    private static T RunToEnd<T>(Func<Task<T>> body, SimScheduler scheduler, SimClock clock)
    {
        // Outside xUnit's context, so that every continuation comes back to the simulation's scheduler.
        var context = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(null);
        try
        {
            var run = Task.Factory.StartNew(body, CancellationToken.None, TaskCreationOptions.DenyChildAttach, scheduler).Unwrap();
            while (!run.IsCompleted)
            {
                if (!scheduler.RunOne())
                    clock.AdvanceTo(clock.NextDue ?? throw new InvalidOperationException("the lane stopped with nothing to run and no timer due (a lost wake-up)"));
            }
            return run.GetAwaiter().GetResult();
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(context);
        }
    }

    private sealed class Queue(IEnumerable<QueuedDelivery> deliveries) : IPendingDeliveries
    {
        private readonly List<QueuedDelivery> _deliveries = [.. deliveries];

        public List<long> ReadsAfter { get; } = [];

        public Task<IReadOnlyList<QueuedDelivery>> PendingAsync(string webhookId, long afterSequence, int limit, CancellationToken cancellationToken)
        {
            ReadsAfter.Add(afterSequence);
            return Task.FromResult<IReadOnlyList<QueuedDelivery>>([.. _deliveries.Where(d => d.Sequence > afterSequence).Take(limit)]);
        }
    }

    private sealed class Recorder : IAttemptRecorder
    {
        public List<AttemptWrite> Records { get; } = [];

        public ValueTask RecordAsync(AttemptWrite attempt, CancellationToken cancellationToken = default)
        {
            Records.Add(attempt);
            return ValueTask.CompletedTask;
        }

        public Task FlushAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;
    }

    private sealed class Targets : IDeliveryTargets
    {
        private readonly DeliveryTarget _target = new(new Webhook
        {
            Id = "w1", CompanyId = "acme", IsActive = true, Trigger = "USER_EDIT", Url = "https://receiver.test/w1", Name = "w1", Code = "w1",
        });

        public event Action<IReadOnlyCollection<string>>? WebhooksChanged { add { } remove { } }

        public ValueTask<DeliveryTarget?> TargetAsync(string webhookId, CancellationToken cancellationToken = default) => ValueTask.FromResult<DeliveryTarget?>(_target);
    }

    /// <summary>Answers after 50 ms: 500 to the first <c>failFirst</c> attempts, 200 to the rest.</summary>
    private sealed class Sender(SimClock clock, int failFirst) : IAttemptSender
    {
        public List<(long Sequence, long AtMs)> Sent { get; } = [];

        public async Task<AttemptResult> SendAsync(DeliveryTarget target, QueuedDelivery delivery, CancellationToken cancellationToken)
        {
            var started = clock.GetUtcNow().UtcDateTime;
            Sent.Add((delivery.Sequence, (long)clock.Elapsed.TotalMilliseconds - 1_000));
            await Task.Delay(TimeSpan.FromMilliseconds(50), clock, cancellationToken);
            var status = Sent.Count <= failFirst ? 500 : 200;
            return new AttemptResult(status, status == 200, $"simulated {status}", started, TimeSpan.FromMilliseconds(50), false);
        }
    }

    private sealed class Meters : IMeterFactory
    {
        public Meter Create(MeterOptions options) => new(options);

        public void Dispose()
        {
        }
    }
}
