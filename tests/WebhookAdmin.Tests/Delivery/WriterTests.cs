using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using WebhookAdmin.Core.Delivery;
using WebhookAdmin.Core.Logs;
using WebhookAdmin.Core.Storage.Sqlite;
using WebhookAdmin.Tests.Delivery.Support;
using WebhookAdmin.Tests.Support;

namespace WebhookAdmin.Tests.Delivery;

/// <summary>The group-commit writer: durable before it answers, one bad write failing only its own caller, records never skipped.</summary>
public sealed class WriterTests
{
    [Fact]
    [Trait(TestStorage.Trait, TestStorage.SqliteOnly)]
    public async Task Batches_are_committed_in_WAL_mode_with_synchronous_full_so_an_answer_means_flushed_to_disk()
    {
        await using var host = await DispatcherHost.StartAsync(dispatch: false);
        var store = (SqliteDeliveryStore)host.Services.GetRequiredService<IDeliveryStore>();

        // synchronous = 2 (FULL): in WAL mode every commit flushes the log to disk before it returns.
        Assert.Equal(("wal", 2, true), store.WriterSettings());
    }

    [Fact]
    [Trait(TestStorage.Trait, TestStorage.PostgreSqlOnly)]
    public async Task On_postgresql_commits_wait_for_the_write_ahead_log_to_be_flushed()
    {
        await using var host = await DispatcherHost.StartAsync(dispatch: false);
        await using var db = TestStorage.Context(host.ConnectionString);

        // synchronous_commit on (and fsync on): COMMIT returns once the WAL is on disk, for every connection of the app.
        Assert.Equal("on", await db.Database.SqlQueryRaw<string>("SELECT setting AS \"Value\" FROM pg_settings WHERE name = 'synchronous_commit'").SingleAsync());
        Assert.Equal("on", await db.Database.SqlQueryRaw<string>("SELECT setting AS \"Value\" FROM pg_settings WHERE name = 'fsync'").SingleAsync());
    }

    [Fact]
    [Trait(TestStorage.Trait, TestStorage.PostgreSqlOnly)]
    public async Task On_postgresql_a_publish_is_not_held_behind_an_attempt_record_waiting_for_the_database_and_a_flush_waits_for_both()
    {
        await using var host = await DispatcherHost.StartAsync(dispatch: false);
        var webhook = await host.CreateUserWebhookAsync("https://receiver.example/hook");
        await host.PublishAsync(Events.UserEdit(1));
        var log = Assert.Single(await host.LogsAsync(webhook.Id));
        var writer = host.Services.GetRequiredService<DeliveryWriter>();

        // Attempt records insert into WebhookLogAttempts, which publishes never touch: hold it, and only they must wait.
        await using (var hold = await TestStorage.HoldWritesAsync(host.ConnectionString, "WebhookLogAttempts"))
        {
            await writer.RecordAsync(Record(log.Id));
            await Task.Delay(200);

            var published = host.PublishAsync(Events.UserEdit(2));
            var flushed = writer.FlushAsync();
            // Behind the attempt record, the publish would wait out its store timeout and be told to try later.
            var answered = await Task.WhenAny(published, Task.Delay(TimeSpan.FromSeconds(10))) == published && published.IsCompletedSuccessfully;
            await Task.Delay(200);

            Assert.True(answered, "the publish waited for the attempt record's commit");
            Assert.False(flushed.IsCompleted, "the flush returned before the attempt record was committed");
            await hold.DisposeAsync();
            await flushed.WaitAsync(TimeSpan.FromSeconds(10));
        }
        Assert.Equal(2, (await host.LogsAsync(webhook.Id)).Length);
    }

    [Fact]
    [Trait(TestStorage.Trait, TestStorage.PostgreSqlOnly)]
    public async Task On_postgresql_attempt_records_gather_into_a_few_commits_while_deliveries_go_on()
    {
        await using var receiver = await Receiver.StartAsync();
        var counted = new CountedStore();
        await using var host = await DispatcherHost.StartAsync(
            new Dictionary<string, string> { ["RecordGathering"] = "00:00:01", ["Timeout"] = "00:00:20" }, services: counted.Wrap);
        var webhook = await host.CreateUserWebhookAsync(receiver.Url);

        await host.PublishUserEditsAsync(Enumerable.Range(1, 40).ToArray());
        await Eventually.WaitAsync(() => receiver.Arrivals, a => a.Count == 40, TimeSpan.FromSeconds(20), "40 arrivals");
        var logs = await host.SettledLogsAsync(webhook.Id, 40);

        // The lane sent all forty without waiting for a record; committed one by one they would be about forty commits.
        Assert.All(logs, log => Assert.Equal(DeliveryState.Succeeded, log.State));
        Assert.Equal(40, counted.Records);
        Assert.InRange(counted.RecordCommits, 1, 4);
    }

    [Fact]
    [Trait(TestStorage.Trait, TestStorage.PostgreSqlOnly)]
    public async Task On_postgresql_a_flush_does_not_wait_out_the_records_gathering()
    {
        await using var host = await DispatcherHost.StartAsync(new Dictionary<string, string> { ["RecordGathering"] = "00:00:10" }, dispatch: false);
        var webhook = await host.CreateUserWebhookAsync("https://receiver.example/hook");
        await host.PublishAsync(Events.UserEdit(1));
        var log = Assert.Single(await host.LogsAsync(webhook.Id));
        var writer = host.Services.GetRequiredService<DeliveryWriter>();
        await writer.RecordAsync(Record(log.Id));
        await Task.Delay(100);

        // The record is gathering for ten seconds; a lane that reads its queue again (or a release, or a stop) flushes and must not wait that long.
        var flushed = writer.FlushAsync();
        var inTime = await Task.WhenAny(flushed, Task.Delay(TimeSpan.FromSeconds(5))) == flushed;

        Assert.True(inTime, "the flush waited for the gathering");
    }

    [Fact]
    public async Task An_accepted_event_and_its_deliveries_are_already_readable_by_another_connection()
    {
        await using var host = await DispatcherHost.StartAsync(dispatch: false);
        var webhook = await host.CreateUserWebhookAsync("https://receiver.example/hook");

        var id = await host.PublishAsync(Events.UserEdit(7));

        await using var db = TestStorage.Context(host.ConnectionString);
        var stored = await db.WebhookLogs.Include(l => l.Event).SingleAsync(l => l.WebhookId == webhook.Id);
        Assert.Equal((DeliveryState.Pending, id), (stored.State, stored.Event!.Id));
    }

    [Fact]
    public async Task A_publish_is_answered_only_once_its_transaction_is_committed()
    {
        await using var host = await DispatcherHost.StartAsync(dispatch: false);
        var webhook = await host.CreateUserWebhookAsync("https://receiver.example/hook");

        // While another connection holds the lock the writer needs, nothing can be committed: the publish must wait.
        var hold = await TestStorage.HoldWritesAsync(host.ConnectionString);
        var publish = host.PublishAsync(Events.UserEdit(1));
        await Task.Delay(300);
        var answeredWhileLocked = publish.IsCompleted;
        await hold.DisposeAsync();
        await publish;

        Assert.False(answeredWhileLocked, "the publish was answered before its commit");
        Assert.Single(await host.LogsAsync(webhook.Id));
    }

    [Fact]
    public async Task A_write_the_database_refuses_fails_its_own_caller_and_the_rest_of_its_batch_is_stored()
    {
        await using var host = await DispatcherHost.StartAsync(dispatch: false);
        var webhook = await host.CreateUserWebhookAsync("https://receiver.example/hook");
        var writer = host.Services.GetRequiredService<DeliveryWriter>();

        // Hold the lock the writer needs so that the next writes queue up and are committed as one batch.
        var hold = await TestStorage.HoldWritesAsync(host.ConnectionString);
        var first = writer.StoreAsync([Write(webhook.Id, "first")]);
        await Task.Delay(100);
        var refused = writer.StoreAsync([Write("ffffffffffffffffffffffff", "refused")]); // no such webhook: a foreign key violation
        var good = writer.StoreAsync([Write(webhook.Id, "good")]);
        await Task.Delay(100);
        await hold.DisposeAsync();

        await first;
        // Refused for its content (a foreign key): the same write would be refused again, so the caller is told so.
        var error = await Assert.ThrowsAsync<Core.Storage.ContentRefusedException>(() => refused);
        Assert.IsAssignableFrom<System.Data.Common.DbException>(error.InnerException);
        await good;
        Assert.Equal(["first", "good"], (await host.LogsAsync(webhook.Id)).Select(l => l.Event!.Type));
    }

    [Fact]
    public async Task One_batch_of_mixed_publishes_stores_each_new_event_once_in_the_order_given_and_answers_repeats_with_the_first()
    {
        await using var host = await DispatcherHost.StartAsync(dispatch: false);
        var (first, second) = (await host.CreateUserWebhookAsync("https://receiver.example/1", "One"), await host.CreateUserWebhookAsync("https://receiver.example/2", "Two"));
        var store = host.Services.GetRequiredService<IDeliveryStore>();
        var earlier = new EventWrite(Ids.Globex, "seen-before", "user", "edit", DateTime.UtcNow, "{}"u8.ToArray(), []);
        await store.WriteAsync([earlier], CancellationToken.None);

        EventWrite Publish(string company, string? caller, string type, params string[] webhooks) =>
            new(company, caller, type, "edit", DateTime.UtcNow, Encoding.UTF8.GetBytes($$"""{"type":"{{type}}"}"""), webhooks);
        var batch = new[]
        {
            Publish(Ids.Acme, null, "a1", second.Id, first.Id),
            Publish(Ids.Globex, "seen-before", "repeat of earlier"),
            Publish(Ids.Acme, "x", "a2", first.Id),
            Publish(Ids.Globex, null, "g1"),
            Publish(Ids.Acme, "x", "repeat of a2", first.Id),
            Publish(Ids.Acme, null, "a3", second.Id),
        };
        await store.WriteAsync(batch, CancellationToken.None);

        var (a1, earlierAgain, a2, g1, a2Again, a3) = (batch[0], batch[1], batch[2], batch[3], batch[4], batch[5]);
        Assert.Equal([false, true, false, false, true, false], batch.Select(w => w.Repeated));
        Assert.Equal((earlier.Sequence, earlier.EventId, 0), (earlierAgain.Sequence, earlierAgain.EventId, earlierAgain.Deliveries));
        Assert.Equal((a2.Sequence, a2.EventId, 1), (a2Again.Sequence, a2Again.EventId, a2Again.Deliveries));
        Assert.Empty(a2Again.Created);
        // New events are numbered in the order given, after everything stored before.
        Assert.True(earlier.Sequence < a1.Sequence && a1.Sequence < a2.Sequence && a2.Sequence < g1.Sequence && g1.Sequence < a3.Sequence);
        Assert.Equal([second.Id, first.Id], a1.Created.Select(d => d.WebhookId));
        Assert.Empty(g1.Created);

        // What each write was told is what was stored.
        await using var db = TestStorage.Context(host.ConnectionString);
        var logs = await db.WebhookLogs.Include(l => l.Event).OrderBy(l => l.Id).ToListAsync();
        var told = new[] { a1, a2, a3 }.SelectMany(w => w.Created).OrderBy(d => d.LogId).ToList();
        Assert.Equal(told.Select(d => (d.LogId, d.WebhookId, d.Sequence)), logs.Select(l => (l.Id, l.WebhookId, l.Sequence)));
        Assert.Equal(["a1", "a1", "a2", "a3"], logs.Select(l => l.Event!.Type));
        // A webhook's deliveries have ids in sequence order too.
        Assert.Equal(logs.Where(l => l.WebhookId == first.Id).Select(l => l.Sequence).Order(), logs.Where(l => l.WebhookId == first.Id).Select(l => l.Sequence));
        Assert.Equal(["user", "a1", "a2", "g1", "a3"], await db.Events.OrderBy(e => e.Sequence).Select(e => e.Type).ToListAsync());
    }

    [Fact]
    public async Task An_attempt_record_the_database_refuses_for_a_while_is_retried_and_later_records_wait_for_it()
    {
        var store = new FlakyStore(failures: 3);
        await using var writer = new DeliveryWriter(store, new DeliveryFeed(), new LogNotifications(), Options.Create(new DeliveryOptions()), TimeProvider.System, NullLogger<DeliveryWriter>.Instance);
        await writer.StartAsync(CancellationToken.None);

        await writer.RecordAsync(Record(logId: 1));
        await writer.RecordAsync(Record(logId: 2));
        await writer.FlushAsync();

        Assert.Equal([1L, 2L], store.Stored.Select(r => r.LogId));
        Assert.Equal(0, store.FailuresLeft);
    }

    private static EventWrite Write(string webhookId, string type) =>
        new(Ids.Acme, null, type, "edit", DateTime.UtcNow, Encoding.UTF8.GetBytes("{}"), [webhookId]);

    private static AttemptWrite Record(long logId) =>
        new(logId, Ids.Workflow, 1, DeliveryState.Succeeded, 200, "ok", DateTime.UtcNow, new WebhookLogAttempt { LogId = logId, Number = 1, Status = 200, Succeeded = true });

    /// <summary>A store that refuses its first few batches, the way a full disk or a long-held lock would.</summary>
    private sealed class FlakyStore(int failures) : IDeliveryStore
    {
        private int _failuresLeft = failures;

        public List<AttemptWrite> Stored { get; } = [];

        public int FailuresLeft => _failuresLeft;

        public Task WriteAsync(IReadOnlyList<DeliveryWrite> batch, CancellationToken cancellationToken)
        {
            if (batch.Count > 0 && _failuresLeft > 0)
            {
                _failuresLeft--;
                throw new IOException("disk full");
            }
            Stored.AddRange(batch.OfType<AttemptWrite>());
            return Task.CompletedTask;
        }

        // The writer only writes; nothing here reads or leases.
        public TimeSpan LeaseTerm => Timeout.InfiniteTimeSpan;

        public Task<IReadOnlyList<QueuedDelivery>> PendingAsync(string webhookId, long afterSequence, int limit, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public Task<WorkClaim> ClaimWorkAsync(IReadOnlyCollection<string> held, int busy, IReadOnlyCollection<string> askedAbout, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<LeaseRenewal> RenewAsync(IReadOnlyCollection<string> held, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task ReleaseAsync(IReadOnlyCollection<string> webhookIds, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task LeaveAsync(CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<BacklogSnapshot> BacklogAsync(CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
