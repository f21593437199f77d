using Microsoft.Extensions.Options;
using Npgsql;
using WebhookAdmin.Core.Delivery;
using WebhookAdmin.Core.Logs;

namespace WebhookAdmin.Core.Storage.PostgreSql;

/// <summary>
/// The delivery engine's statements on PostgreSQL, for several instances sharing one database.
/// </summary>
/// <remarks>
/// <para><b>Order across instances.</b> A webhook's deliveries go out in sequence order, and its lane reads "pending
/// after the last sequence I hold". That is only safe if sequences of one webhook become visible in the order they were
/// taken, which a bare identity column does not promise when two instances publish at once (the later number can commit
/// first). So every batch first takes a transaction-scoped advisory lock per company it publishes for, and only then
/// draws its sequence numbers: publishes for one company (and so for each of its webhooks) commit in sequence order.</para>
/// <para><b>Leases.</b> Each webhook's queue is delivered by the instance holding its row in <c>DeliveryLeases</c>.
/// Claims insert or take over expired rows atomically (<c>INSERT … ON CONFLICT DO UPDATE … WHERE expired</c>: exactly one
/// claimant wins), at most up to the instance's fair share of the webhooks with work; the holder renews its rows every
/// third of <see cref="DeliveryOptions.LeaseTimeout"/>. All lease times come from the database's clock, so instances on
/// machines whose clocks disagree still agree on who holds what. Every attempt record is written only if its webhook is
/// still held by this instance (the fencing Hangfire applies to its fetched jobs): a record from an instance that lost
/// its lease is dropped, and the new holder sends that delivery again (a repeat, never an inversion).</para>
/// <para><b>News.</b> Each batch ends with NOTIFYs (delivered on commit) naming the webhooks that got new deliveries
/// (which changes their logs too) and the other webhooks whose logs changed, so the instance delivering them and any
/// open logs tab hear of it at once: one message per batch of publishes, one per batch of attempt records.</para>
/// </remarks>
internal sealed class PostgreSqlDeliveryStore(NpgsqlDataSource dataSource, InstanceIdentity me, IOptions<DeliveryOptions> options) : IDeliveryStore
{
    /// <summary>The database's clock in Unix milliseconds: every lease time (webhooks' and duties') is read from it.</summary>
    internal const string NowMs = "(extract(epoch FROM clock_timestamp()) * 1000)::bigint";

    private long LeaseMs => (long)options.Value.LeaseTimeout.TotalMilliseconds;

    public TimeSpan LeaseTerm => options.Value.LeaseTimeout;

    /// <remarks>
    /// Safe because a publish and an attempt record never touch the same row: a delivery is attempted only once its
    /// publish is committed (its lane reads it from storage), and the two kinds lock nothing in an order the other takes
    /// in reverse (several instances already commit both kinds at once).
    /// </remarks>
    public bool CommitsPublishesApart => true;

    /// <summary>
    /// The writes' statements are prepared, but PostgreSQL kept planning the publish afresh on every call (a quarter of a
    /// millisecond each, 1.3 s of its time per 10 s of publishing), and the attempt record too once its lease check was a
    /// subquery: with the arrays' lengths known, a custom plan looked cheaper. Their generic plans are right at any table
    /// size (see <see cref="RecordAttempts"/> and <see cref="PostgreSqlPublish"/>), so they are used from the first call.
    /// </summary>
    private const string GenericPlans = "SET LOCAL plan_cache_mode = force_generic_plan";

    /// <remarks>
    /// One round trip per batch, publishes included: the transaction is opened and committed by the batch itself (BEGIN
    /// first, COMMIT last) rather than by separate calls, and publishing is decided in the database (see
    /// <see cref="PostgreSqlPublish"/>). (A round trip costs up to a millisecond on a loaded 2-core machine; the first
    /// version's seven per batch held publishing to about 1,000 events/s.)
    /// </remarks>
    public async Task WriteAsync(IReadOnlyList<DeliveryWrite> batch, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var writes = connection.CreateBatch();
            writes.BatchCommands.Add(new NpgsqlBatchCommand("BEGIN"));
            writes.BatchCommands.Add(new NpgsqlBatchCommand(GenericPlans));
            var events = batch.OfType<EventWrite>().ToList();
            var publish = events.Count > 0 ? new PostgreSqlPublish(events, writes) : null;
            var attempts = batch.OfType<AttemptWrite>().ToList();
            if (attempts.Count > 0)
            {
                writes.BatchCommands.Add(RecordAttempts(attempts));
                if (FailureStreak.Of(attempts) is { Count: > 0 } streaks)
                    writes.BatchCommands.Add(RecordStreaks(streaks));
            }

            // Named before the database decides which events are repeats of a caller id: a repeat's webhooks get news of
            // no new work, which costs their holder one read (repeats are rare; a second round trip on every publish is not).
            var work = events.SelectMany(e => e.WebhookIds).ToHashSet(StringComparer.Ordinal);
            var changed = attempts.Select(a => a.WebhookId).Where(id => !work.Contains(id)).ToHashSet(StringComparer.Ordinal);
            foreach (var payload in ClusterMessage.Format(me.Id, ClusterMessage.Work, [.. work]).Where(_ => work.Count > 0)
                .Concat(ClusterMessage.Format(me.Id, ClusterMessage.Logs, [.. changed]).Where(_ => changed.Count > 0)))
                writes.BatchCommands.Add(Command("SELECT pg_notify($1, $2)", PostgreSqlStorage.Channel, payload));
            writes.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));

            if (publish is null)
            {
                await writes.ExecuteNonQueryAsync(cancellationToken);
                return;
            }
            IReadOnlyList<Action> results;
            await using (var reader = await writes.ExecuteReaderAsync(cancellationToken))
            {
                results = await publish.ReadAsync(reader, cancellationToken);
                // To the COMMIT's answer: a statement after the publish (an attempt record, the commit) can still fail.
                while (await reader.NextResultAsync(cancellationToken))
                {
                }
            }
            // Results are filled in only once committed: a failed batch leaves every write as it was, ready to retry.
            foreach (var result in results)
                result();
        }
        catch
        {
            // A statement failed inside the transaction: end it before the connection goes back to the pool.
            if (connection.State == System.Data.ConnectionState.Open)
            {
                await using var rollback = new NpgsqlCommand("ROLLBACK", connection);
                await rollback.ExecuteNonQueryAsync(CancellationToken.None);
            }
            throw;
        }
    }

    /// <summary>The statement of <see cref="RecordAttempts"/> (a test looks at its plan).</summary>
    internal const string RecordAttemptsSql = """
        WITH u AS (
            SELECT * FROM unnest($1::bigint[], $2::int[], $3::int[], $4::text[], $5::int[], $6::bigint[], $7::int[])
                AS u(id, status, retry, response, state, next, bump)),
        updated AS (
            UPDATE "WebhookLogs" AS l
            SET "Status" = u.status, "Retry" = u.retry, "Response" = u.response, "State" = u.state, "NextAttemptAt" = u.next,
                "ManualAttemptRequested" = false, "Version" = l."Version" + u.bump
            FROM u
            WHERE l."Id" = u.id AND (SELECT d."Owner" FROM "DeliveryLeases" AS d WHERE d."WebhookId" = l."WebhookId") = $8
            RETURNING l."Id")
        INSERT INTO "WebhookLogAttempts" ("LogId", "Number", "StartedAt", "DurationMs", "Status", "Succeeded", "Manual", "Error")
        SELECT a.* FROM unnest($9::bigint[], $10::int[], $11::bigint[], $12::int[], $13::int[], $14::boolean[], $15::boolean[], $16::text[])
            AS a(log, number, started, duration, status, succeeded, manual, error)
        WHERE a.log IN (SELECT "Id" FROM updated)
        ON CONFLICT ("LogId", "Number") DO UPDATE SET "StartedAt" = excluded."StartedAt", "DurationMs" = excluded."DurationMs",
            "Status" = excluded."Status", "Succeeded" = excluded."Succeeded", "Manual" = excluded."Manual", "Error" = excluded."Error"
        """;

    /// <summary>
    /// Each log's last record sets its row (the values are absolute); every attempt gets its own row. Only logs of
    /// webhooks this instance still holds are written: a record from an instance that lost its lease is dropped, and
    /// the new holder sends that delivery again.
    /// </summary>
    /// <remarks>
    /// The lease is checked by a scalar subquery, not <c>EXISTS</c>: the planner turned <c>EXISTS</c> into a join and, in
    /// the generic plan a prepared statement keeps for the connection's life, reached the logs from the leases (every log
    /// of the webhook) or by a sequential scan of the table when it was planned while <c>WebhookLogs</c> was small:
    /// 35,000 rows read to update 32, 5.6 ms a call instead of 0.36, until autovacuum next analysed the table. A
    /// subquery run per row costs a scan per row of the table, so only the primary key is ever cheaper.
    /// </remarks>
    private NpgsqlBatchCommand RecordAttempts(List<AttemptWrite> attempts)
    {
        var last = new Dictionary<long, (AttemptWrite Write, int Count)>();
        foreach (var attempt in attempts)
            last[attempt.LogId] = (attempt, last.TryGetValue(attempt.LogId, out var before) ? before.Count + 1 : 1);
        var rows = last.Values.ToArray();
        return Command(RecordAttemptsSql,
            rows.Select(r => r.Write.LogId).ToArray(), rows.Select(r => r.Write.Status).ToArray(), rows.Select(r => r.Write.Retry).ToArray(),
            rows.Select(r => r.Write.Response).ToArray(), rows.Select(r => (int)r.Write.State).ToArray(),
            rows.Select(r => UnixTime.ToMilliseconds(r.Write.NextAttemptAt)).ToArray(), rows.Select(r => r.Count).ToArray(), me.Id,
            attempts.Select(a => a.LogId).ToArray(), attempts.Select(a => a.Attempt.Number).ToArray(),
            attempts.Select(a => UnixTime.ToMilliseconds(a.Attempt.StartedAt)).ToArray(), attempts.Select(a => a.Attempt.DurationMs).ToArray(),
            attempts.Select(a => a.Attempt.Status).ToArray(), attempts.Select(a => a.Attempt.Succeeded).ToArray(),
            attempts.Select(a => a.Attempt.Manual).ToArray(), attempts.Select(a => a.Attempt.Error).ToArray());
    }

    /// <summary>
    /// The statement of <see cref="RecordStreaks"/> (a test looks at its plan). The lease is checked per row, as in
    /// <see cref="RecordAttemptsSql"/>: with <c>EXISTS</c>, the generic plan read every lease this instance holds on each
    /// batch of attempts.
    /// </summary>
    internal const string RecordStreaksSql = """
        UPDATE "Webhooks" AS w SET
            "FailingSince" = CASE WHEN u.restarted THEN u.first ELSE coalesce(w."FailingSince", u.first) END,
            "ConsecutiveFailures" = CASE WHEN u.restarted THEN u.failures ELSE w."ConsecutiveFailures" + u.failures END,
            "ProbedAt" = CASE WHEN u.probed IS NOT NULL AND w."ProbedAt" IS NULL AND w."ProbeAfter" <= u.probed THEN u.probed ELSE w."ProbedAt" END,
            "ProbeSucceeded" = CASE WHEN u.probed IS NOT NULL AND w."ProbedAt" IS NULL AND w."ProbeAfter" <= u.probed THEN u.probe_ok ELSE w."ProbeSucceeded" END
        FROM unnest($1::varchar[], $2::boolean[], $3::bigint[], $4::int[], $6::bigint[], $7::boolean[]) AS u(id, restarted, first, failures, probed, probe_ok)
        WHERE w."Id" = u.id AND (u.failures > 0 OR w."FailingSince" IS NOT NULL OR w."ConsecutiveFailures" <> 0 OR u.probed IS NOT NULL)
          AND (SELECT d."Owner" FROM "DeliveryLeases" AS d WHERE d."WebhookId" = w."Id") = $5
        """;

    /// <summary>
    /// Each webhook's run of failures and its probe's outcome, for automatic deactivation (see <see cref="FailureStreak"/>),
    /// fenced like the attempts: a probe is kept only for a probe made after the cool-down of the probe the webhook is in. A webhook that keeps succeeding is not written: in PostgreSQL every UPDATE leaves a dead row version.
    /// </summary>
    private NpgsqlBatchCommand RecordStreaks(IReadOnlyList<FailureStreak> streaks)
    {
        // In id order, so two transactions locking several webhooks' rows take them in the same order.
        var rows = streaks.OrderBy(s => s.WebhookId, StringComparer.Ordinal).ToArray();
        return Command(RecordStreaksSql,
            rows.Select(r => r.WebhookId).ToArray(), rows.Select(r => r.Restarted).ToArray(),
            rows.Select(r => r.FirstFailure is { } first ? UnixTime.ToMilliseconds(first) : (long?)null).ToArray(),
            rows.Select(r => r.Failures).ToArray(), me.Id,
            rows.Select(r => r.ProbedAt is { } probed ? UnixTime.ToMilliseconds(probed) : (long?)null).ToArray(),
            rows.Select(r => r.ProbeSucceeded).ToArray());
    }

    public async Task<BacklogSnapshot> BacklogAsync(CancellationToken cancellationToken)
    {
        // Only the pending index is read (it carries Retry); deactivated webhooks' deliveries wait for an admin, not for
        // the engine, and would make the oldest age climb for ever.
        await using var command = dataSource.CreateCommand("""
            WITH p AS (
                SELECT count(*) AS n, count(*) FILTER (WHERE l."Retry" > 0) AS r, min(l."Sequence") AS oldest
                FROM "Webhooks" AS w JOIN "WebhookLogs" AS l ON l."WebhookId" = w."Id" AND l."State" = 0
                WHERE w."IsActive")
            SELECT p.n, p.r, (SELECT e."PublishedAt" FROM "Events" AS e WHERE e."Sequence" = p.oldest) FROM p
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var (all, retrying) = (reader.GetInt64(0), reader.GetInt64(1));
        return new BacklogSnapshot((int)(all - retrying), (int)retrying, reader.IsDBNull(2) ? null : UnixTime.FromMilliseconds(reader.GetInt64(2)));
    }

    public async Task<IReadOnlyList<QueuedDelivery>> PendingAsync(string webhookId, long afterSequence, int limit, CancellationToken cancellationToken)
    {
        // "State" = 0 is written out (not a parameter) so PostgreSQL can use the partial index of pending deliveries.
        await using var command = dataSource.CreateCommand("""
            SELECT l."Id", l."Sequence", l."CreatedAt", l."Retry", l."NextAttemptAt", l."ManualAttemptRequested", e."Body", e."TraceParent", l."WebhookSequence"
            FROM "WebhookLogs" AS l
            JOIN "Events" AS e ON e."Sequence" = l."Sequence"
            WHERE l."WebhookId" = $1 AND l."State" = 0 AND l."Sequence" > $2
            ORDER BY l."Sequence"
            LIMIT $3
            """);
        AddAll(command.Parameters, webhookId, afterSequence, limit);
        var deliveries = new List<QueuedDelivery>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            deliveries.Add(new QueuedDelivery(
                reader.GetInt64(0), webhookId, reader.GetInt64(1), reader.GetInt64(8), UnixTime.FromMilliseconds(reader.GetInt64(2)), (byte[])reader.GetValue(6))
            {
                Retry = reader.GetInt32(3),
                NextAttemptAt = UnixTime.FromMilliseconds(reader.GetInt64(4)),
                Manual = reader.GetBoolean(5),
                TraceParent = reader.IsDBNull(7) ? null : reader.GetString(7),
            });
        }
        return deliveries;
    }

    public async Task<WorkClaim> ClaimWorkAsync(IReadOnlyCollection<string> held, int busy, IReadOnlyCollection<string> askedAbout, CancellationToken cancellationToken)
    {
        var (share, heldElsewhere) = await HeartbeatAsync(askedAbout, cancellationToken);
        var wanted = share - busy;
        if (wanted <= 0)
            return new WorkClaim([], heldElsewhere);
        var claimed = new List<string>();
        // A candidate another instance was claiming at the same moment is lost to it (its row was not committed when
        // the candidates were chosen). Losing some means others were claiming: once more, now that their rows are
        // committed, for the rest of the share (before, two instances starting together could split 100 webhooks 25/75).
        for (var round = 0; round < 2 && claimed.Count < wanted; round++)
        {
            var (taken, candidates) = await ClaimAsync([.. held, .. claimed], wanted - claimed.Count, cancellationToken);
            claimed.AddRange(taken);
            if (taken.Count == candidates)
                break;
        }
        return new WorkClaim(claimed, heldElsewhere);
    }

    /// <summary>
    /// Takes up to <paramref name="wanted"/> webhooks with work that nobody holds (or whose holder's lease ran out), a
    /// random few so that instances claiming at the same moment mostly pick different ones; ON CONFLICT lets exactly one
    /// claimant win each. Returns those taken and how many were chosen.
    /// </summary>
    /// <remarks>
    /// The rows are inserted in id order: two claimants inserting overlapping rows in random orders each waited for a row
    /// the other had just inserted (PostgreSQL's deadlock detector then failed one claim, whose instance sat out a second
    /// while the other took the rest: the 30–70 % spread test failed about one run in ten, 25/75).
    /// </remarks>
    private async Task<(IReadOnlyList<string> Taken, long Candidates)> ClaimAsync(string[] excluded, int wanted, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            WITH candidates AS (
                SELECT w."Id" FROM "Webhooks" AS w
                WHERE w."IsActive" AND NOT (w."Id" = ANY($3))
                  AND EXISTS (SELECT 1 FROM "WebhookLogs" AS l WHERE l."WebhookId" = w."Id" AND l."State" = 0)
                  AND NOT EXISTS (SELECT 1 FROM "DeliveryLeases" AS d WHERE d."WebhookId" = w."Id" AND d."ExpiresAt" > {NowMs} AND d."Owner" <> $1)
                ORDER BY random()
                LIMIT $4),
            taken AS (
                INSERT INTO "DeliveryLeases" ("WebhookId", "Owner", "ExpiresAt")
                SELECT c."Id", $1, {NowMs} + $2 FROM candidates AS c ORDER BY c."Id"
                ON CONFLICT ("WebhookId") DO UPDATE SET "Owner" = excluded."Owner", "ExpiresAt" = excluded."ExpiresAt"
                    WHERE "DeliveryLeases"."ExpiresAt" <= {NowMs} OR "DeliveryLeases"."Owner" = excluded."Owner"
                RETURNING "WebhookId")
            SELECT array(SELECT "WebhookId" FROM taken), (SELECT count(*) FROM candidates)
            """);
        AddAll(command.Parameters, me.Id, LeaseMs, excluded, wanted);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.GetFieldValue<string[]>(0), reader.GetInt64(1));
    }

    public async Task<LeaseRenewal> RenewAsync(IReadOnlyCollection<string> held, CancellationToken cancellationToken)
    {
        var (share, _) = await HeartbeatAsync([], cancellationToken);
        await using var command = dataSource.CreateCommand($"""
            UPDATE "DeliveryLeases" SET "ExpiresAt" = {NowMs} + $2 WHERE "Owner" = $1 AND "WebhookId" = ANY($3) RETURNING "WebhookId"
            """);
        AddAll(command.Parameters, me.Id, LeaseMs, held.ToArray());
        var renewed = new HashSet<string>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            renewed.Add(reader.GetString(0));
        return new LeaseRenewal(renewed, share);
    }

    /// <remarks>
    /// Says so on the channel in the same round trip (the NOTIFY goes out with the commit): instances that put off news
    /// of these webhooks because this one held them claim them now.
    /// </remarks>
    public async Task ReleaseAsync(IReadOnlyCollection<string> webhookIds, CancellationToken cancellationToken)
    {
        // A message naming no webhook would mean "all of them".
        if (webhookIds.Count == 0)
            return;
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand("BEGIN"));
        batch.BatchCommands.Add(Command("""DELETE FROM "DeliveryLeases" WHERE "Owner" = $1 AND "WebhookId" = ANY($2)""", me.Id, webhookIds.ToArray()));
        foreach (var payload in ClusterMessage.Format(me.Id, ClusterMessage.Released, [.. webhookIds]))
            batch.BatchCommands.Add(Command("SELECT pg_notify($1, $2)", PostgreSqlStorage.Channel, payload));
        batch.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task LeaveAsync(CancellationToken cancellationToken)
    {
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand("BEGIN"));
        batch.BatchCommands.Add(Command("""DELETE FROM "DeliveryLeases" WHERE "Owner" = $1""", me.Id));
        batch.BatchCommands.Add(Command("""DELETE FROM "DeliveryInstances" WHERE "Id" = $1""", me.Id));
        // No ids: everything this instance held.
        batch.BatchCommands.Add(Command("SELECT pg_notify($1, $2)", PostgreSqlStorage.Channel, ClusterMessage.Format(me.Id, ClusterMessage.Released, []).Single()));
        batch.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Says this instance is alive and returns its fair share (the webhooks with work over the live instances, rounded
    /// up) and, in the same round trip, which of <paramref name="askedAbout"/> another instance holds and for how long yet.
    /// </summary>
    private async Task<(int Share, IReadOnlyDictionary<string, TimeSpan> HeldElsewhere)> HeartbeatAsync(
        IReadOnlyCollection<string> askedAbout, CancellationToken cancellationToken)
    {
        // The heartbeat is one statement; its counts see the database as it was before it, so the first one counts at least itself.
        var beat = new NpgsqlBatchCommand($"""
            WITH beat AS (
                INSERT INTO "DeliveryInstances" ("Id", "Name", "HeartbeatAt") VALUES ($1, $1, {NowMs})
                ON CONFLICT ("Id") DO UPDATE SET "HeartbeatAt" = excluded."HeartbeatAt"
                RETURNING 1),
            gone AS (
                -- Instances silent for ten lease times are gone for good; their rows only clutter the table.
                DELETE FROM "DeliveryInstances" WHERE "HeartbeatAt" < {NowMs} - 10 * $2 RETURNING 1)
            SELECT (SELECT count(*) FROM "DeliveryInstances" WHERE "HeartbeatAt" > {NowMs} - $2 AND "Id" <> $1) + 1,
                   (SELECT count(*) FROM "Webhooks" AS w
                    WHERE w."IsActive" AND EXISTS (SELECT 1 FROM "WebhookLogs" AS l WHERE l."WebhookId" = w."Id" AND l."State" = 0))
            """);
        AddAll(beat.Parameters, me.Id, LeaseMs);
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(beat);
        if (askedAbout.Count > 0)
        {
            batch.BatchCommands.Add(Command($"""
                SELECT "WebhookId", "ExpiresAt" - {NowMs} FROM "DeliveryLeases"
                WHERE "WebhookId" = ANY($1) AND "Owner" <> $2 AND "ExpiresAt" > {NowMs}
                """, askedAbout.ToArray(), me.Id));
        }
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var (instances, withWork) = (reader.GetInt64(0), reader.GetInt64(1));
        var heldElsewhere = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
        if (await reader.NextResultAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
                heldElsewhere[reader.GetString(0)] = TimeSpan.FromMilliseconds(reader.GetInt64(1));
        }
        return ((int)Math.Min(int.MaxValue, (withWork + instances - 1) / instances), heldElsewhere);
    }

    internal static NpgsqlBatchCommand Command(string sql, params object?[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        AddAll(command.Parameters, values);
        return command;
    }

    private static void AddAll(NpgsqlParameterCollection parameters, params object?[] values)
    {
        foreach (var value in values)
            parameters.Add(value as NpgsqlParameter ?? new NpgsqlParameter { Value = value ?? DBNull.Value });
    }
}
