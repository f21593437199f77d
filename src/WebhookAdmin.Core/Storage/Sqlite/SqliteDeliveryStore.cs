using Microsoft.Data.Sqlite;
using SQLitePCL;
using WebhookAdmin.Core.Delivery;
using WebhookAdmin.Core.Logs;

namespace WebhookAdmin.Core.Storage.Sqlite;

/// <summary>
/// The delivery engine's statements on SQLite. Writes go through one connection that stays open, with its statements
/// prepared once and reused for every row, bound through SQLitePCLRaw directly: Microsoft.Data.Sqlite allocates a binder
/// object per parameter, a UTF-8 copy per string and a box per number, and with 14 parameters per attempt record that
/// was the largest allocation of the delivery path in a dotnet-trace allocation profile. Reads take a pooled connection
/// each and never wait for the writer (WAL).
/// </summary>
/// <remarks>
/// Durability: every batch is one <c>BEGIN IMMEDIATE … COMMIT</c> with <c>synchronous = FULL</c> in WAL mode, so the
/// commit returns only once the write-ahead log is flushed to disk: a committed batch survives a process kill and a
/// power cut. (<c>NORMAL</c> would survive a process kill only.) Batching is what makes that affordable: one flush
/// carries every publish and attempt outcome that arrived while the previous one was being written.
/// </remarks>
public sealed class SqliteDeliveryStore(string connectionString) : IDeliveryStore, IDisposable
{
    private SqliteConnection? _writer;
    private WriterStatements? _statements;

    public Task WriteAsync(IReadOnlyList<DeliveryWrite> batch, CancellationToken cancellationToken)
    {
        var statements = _statements ??= OpenWriter();
        using var transaction = _writer!.BeginTransaction(deferred: false);
        var results = new List<Action>();
        List<AttemptWrite>? attempts = null;
        Dictionary<string, long>? numbers = null;
        foreach (var write in batch)
        {
            switch (write)
            {
                case EventWrite published:
                    results.Add(WriteEvent(statements, published, numbers ??= new(StringComparer.Ordinal)));
                    break;
                case AttemptWrite attempt:
                    WriteAttempt(statements, attempt);
                    (attempts ??= []).Add(attempt);
                    break;
                default:
                    throw new ArgumentException($"Unknown write {write.GetType().Name}.", nameof(batch));
            }
        }
        if (attempts is not null)
            WriteStreaks(statements, FailureStreak.Of(attempts));
        if (numbers is not null)
            WriteCounters(statements, numbers);
        transaction.Commit();
        // Results are filled in only once committed: a failed batch leaves every write as it was, ready to retry.
        foreach (var result in results)
            result();
        return Task.CompletedTask;
    }

    /// <returns>What to fill into <paramref name="write"/> once the batch is committed.</returns>
    /// <param name="numbers">Each webhook's last <c>webhook-sequence</c> given in this batch, stored once at its end (<see cref="WriteCounters"/>).</param>
    private static Action WriteEvent(WriterStatements statements, EventWrite write, Dictionary<string, long> numbers)
    {
        if (write.CallerId is not null)
        {
            var find = statements.FindCaller;
            find.Bind(1, write.CompanyId);
            find.Bind(2, write.CallerId);
            if (find.Row())
            {
                var (first, firstAt, firstDeliveries) = (find.Int64(0), UnixTime.FromMilliseconds(find.Int64(1)), (int)find.Int64(2));
                find.Done();
                return () => write.StoredBefore(first, firstAt, firstDeliveries);
            }
            find.Done();
        }

        var at = UnixTime.ToMilliseconds(write.PublishedAt);
        var insertEvent = statements.InsertEvent;
        insertEvent.Bind(1, write.CompanyId);
        insertEvent.Bind(2, write.CallerId);
        insertEvent.Bind(3, write.Type);
        insertEvent.Bind(4, write.EventName);
        insertEvent.Bind(5, at);
        insertEvent.Bind(6, write.WebhookIds.Count);
        insertEvent.BindBlob(7, write.Body);
        insertEvent.Bind(8, write.TraceParent);
        var sequence = insertEvent.ReturnedInt64();

        var deliveries = new List<QueuedDelivery>(write.WebhookIds.Count);
        var insertLog = statements.InsertLog;
        foreach (var webhookId in write.WebhookIds)
        {
            // One writer holds the database, so the counter read once per batch stays right in memory until it is stored.
            if (!numbers.TryGetValue(webhookId, out var last))
            {
                var read = statements.ReadCounter;
                read.Bind(1, webhookId);
                last = read.Row() ? read.Int64(0) : 0;
                read.Done();
            }
            var webhookSequence = numbers[webhookId] = last + 1;
            insertLog.Bind(1, webhookId);
            insertLog.Bind(2, at);
            insertLog.Bind(3, sequence);
            insertLog.Bind(4, webhookSequence);
            var logId = insertLog.ReturnedInt64();
            deliveries.Add(new QueuedDelivery(logId, webhookId, sequence, webhookSequence, write.PublishedAt, write.Body) { TraceParent = write.TraceParent });
        }
        return () => write.Stored(sequence, deliveries, handedToLanes: true);
    }

    /// <summary>Each webhook's last <c>webhook-sequence</c> of the batch: one write per webhook, however many deliveries it got.</summary>
    private static void WriteCounters(WriterStatements statements, Dictionary<string, long> numbers)
    {
        foreach (var (webhookId, last) in numbers)
        {
            var write = statements.WriteCounter;
            write.Bind(1, webhookId);
            write.Bind(2, last);
            write.Execute();
        }
    }

    /// <summary>Each webhook's run of failures and probe, for automatic deactivation; a webhook that keeps succeeding is not written.</summary>
    private static void WriteStreaks(WriterStatements statements, IReadOnlyList<FailureStreak> streaks)
    {
        foreach (var streak in streaks)
        {
            var update = statements.UpdateStreak;
            update.Bind(1, streak.WebhookId);
            update.Bind(2, streak.Restarted ? 1 : 0);
            if (streak.FirstFailure is { } first)
                update.Bind(3, UnixTime.ToMilliseconds(first));
            else
                update.Bind(3, (string?)null);
            update.Bind(4, streak.Failures);
            if (streak.ProbedAt is { } probedAt)
                update.Bind(5, UnixTime.ToMilliseconds(probedAt));
            else
                update.Bind(5, (string?)null);
            update.Bind(6, streak.ProbeSucceeded ? 1 : 0);
            update.Execute();
        }
    }

    private static void WriteAttempt(WriterStatements statements, AttemptWrite write)
    {
        var update = statements.UpdateLog;
        update.Bind(1, write.LogId);
        update.Bind(2, write.Status);
        update.Bind(3, write.Retry);
        update.Bind(4, write.Response);
        update.Bind(5, (int)write.State);
        update.Bind(6, UnixTime.ToMilliseconds(write.NextAttemptAt));
        update.Execute();

        var attempt = write.Attempt;
        var insert = statements.InsertAttempt;
        insert.Bind(1, write.LogId);
        insert.Bind(2, attempt.Number);
        insert.Bind(3, UnixTime.ToMilliseconds(attempt.StartedAt));
        insert.Bind(4, attempt.DurationMs);
        insert.Bind(5, attempt.Status);
        insert.Bind(6, attempt.Succeeded ? 1 : 0);
        insert.Bind(7, attempt.Manual ? 1 : 0);
        insert.Bind(8, attempt.Error);
        insert.Execute();
    }

    public async Task<IReadOnlyList<QueuedDelivery>> PendingAsync(string webhookId, long afterSequence, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        // "State" = 0 is written out (not a parameter) so SQLite can use the partial index of pending deliveries.
        command.CommandText = """
            SELECT l."Id", l."Sequence", l."CreatedAt", l."Retry", l."NextAttemptAt", l."ManualAttemptRequested", e."Body", e."TraceParent", l."WebhookSequence"
            FROM "WebhookLogs" AS l
            JOIN "Events" AS e ON e."Sequence" = l."Sequence"
            WHERE l."WebhookId" = $webhook AND l."State" = 0 AND l."Sequence" > $after
            ORDER BY l."Sequence"
            LIMIT $limit
            """;
        command.Parameters.AddWithValue("$webhook", webhookId);
        command.Parameters.AddWithValue("$after", afterSequence);
        command.Parameters.AddWithValue("$limit", limit);
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

    public async Task<BacklogSnapshot> BacklogAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        // Only the pending index is read (it carries Retry), one range per active webhook; deactivated webhooks' deliveries
        // wait for an admin, not for the engine, and would make the oldest age climb for ever.
        command.CommandText = """
            WITH p AS (
                SELECT count(*) AS n, coalesce(sum(l."Retry" > 0), 0) AS r, min(l."Sequence") AS oldest
                FROM "Webhooks" AS w JOIN "WebhookLogs" AS l ON l."WebhookId" = w."Id" AND l."State" = 0
                WHERE w."IsActive")
            SELECT p.n, p.r, (SELECT e."PublishedAt" FROM "Events" AS e WHERE e."Sequence" = p.oldest) FROM p
            """;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var (all, retrying) = (reader.GetInt32(0), reader.GetInt32(1));
        return new BacklogSnapshot(all - retrying, retrying, reader.IsDBNull(2) ? null : UnixTime.FromMilliseconds(reader.GetInt64(2)));
    }

    /// <summary>One instance per file: it holds every webhook, and there is nothing to renew or give back.</summary>
    // One instance alone holds every webhook for good: nothing to renew, release or fence.
    public TimeSpan LeaseTerm => Timeout.InfiniteTimeSpan;

    public Task<LeaseRenewal> RenewAsync(IReadOnlyCollection<string> held, CancellationToken cancellationToken) =>
        Task.FromResult(new LeaseRenewal(held.ToHashSet(StringComparer.Ordinal), int.MaxValue));

    public Task ReleaseAsync(IReadOnlyCollection<string> webhookIds, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task LeaveAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task<WorkClaim> ClaimWorkAsync(IReadOnlyCollection<string> held, int busy, IReadOnlyCollection<string> askedAbout, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        // One seek into the pending index per active webhook: the cost follows the number of webhooks, not the backlog.
        command.CommandText = """
            SELECT w."Id" FROM "Webhooks" AS w
            WHERE w."IsActive" AND EXISTS (SELECT 1 FROM "WebhookLogs" AS l WHERE l."WebhookId" = w."Id" AND l."State" = 0)
            """;
        var webhooks = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            webhooks.Add(reader.GetString(0));
        return WorkClaim.Alone(webhooks);
    }

    /// <summary>The writer connection's settings, as SQLite reports them (for the durability tests).</summary>
    internal (string JournalMode, int Synchronous, bool ForeignKeys) WriterSettings()
    {
        _statements ??= OpenWriter();
        using var command = _writer!.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        var journal = (string)command.ExecuteScalar()!;
        command.CommandText = "PRAGMA synchronous";
        var synchronous = Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        command.CommandText = "PRAGMA foreign_keys";
        var foreignKeys = Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 1;
        return (journal, synchronous, foreignKeys);
    }

    private WriterStatements OpenWriter()
    {
        _writer = new SqliteConnection(connectionString);
        _writer.Open();
        using (var pragmas = _writer.CreateCommand())
        {
            // FULL: a commit returns after the WAL is flushed (durable across power loss, not only process death).
            // busy_timeout: wait for an admin's edit holding the write lock instead of failing the batch.
            pragmas.CommandText = "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 30000;";
            pragmas.ExecuteNonQuery();
        }
        return new WriterStatements(_writer);
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    public void Dispose()
    {
        _statements?.Dispose();
        _writer?.Dispose();
    }

    /// <summary>The writer's statements, prepared once on its connection; parameters are numbered in the order written.</summary>
    private sealed class WriterStatements(SqliteConnection connection) : IDisposable
    {
        public Statement FindCaller { get; } = new(connection,
            """SELECT "Sequence", "PublishedAt", "Deliveries" FROM "Events" WHERE "CompanyId" = ?1 AND "CallerId" = ?2""");

        public Statement InsertEvent { get; } = new(connection,
            """
            INSERT INTO "Events" ("CompanyId", "CallerId", "Type", "Event", "PublishedAt", "Deliveries", "Body", "TraceParent")
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING "Sequence"
            """);

        public Statement ReadCounter { get; } = new(connection, """SELECT "LastSequence" FROM "WebhookCounters" WHERE "WebhookId" = ?1""");

        public Statement WriteCounter { get; } = new(connection,
            """
            INSERT INTO "WebhookCounters" ("WebhookId", "LastSequence") VALUES (?1, ?2)
            ON CONFLICT ("WebhookId") DO UPDATE SET "LastSequence" = excluded."LastSequence"
            """);

        public Statement InsertLog { get; } = new(connection,
            """
            INSERT INTO "WebhookLogs" ("WebhookId", "CreatedAt", "Status", "Retry", "Response", "Version", "Sequence", "WebhookSequence", "State", "NextAttemptAt", "ManualAttemptRequested")
            VALUES (?1, ?2, 0, 0, '', 0, ?3, ?4, 0, ?2, 0) RETURNING "Id"
            """);

        public Statement UpdateLog { get; } = new(connection,
            """
            UPDATE "WebhookLogs" SET "Status" = ?2, "Retry" = ?3, "Response" = ?4, "State" = ?5,
                "NextAttemptAt" = ?6, "ManualAttemptRequested" = 0, "Version" = "Version" + 1
            WHERE "Id" = ?1
            """);

        // An attempt recorded twice (a retried batch) keeps its last values instead of failing the batch.
        public Statement InsertAttempt { get; } = new(connection,
            """
            INSERT INTO "WebhookLogAttempts" ("LogId", "Number", "StartedAt", "DurationMs", "Status", "Succeeded", "Manual", "Error")
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
            ON CONFLICT ("LogId", "Number") DO UPDATE SET "StartedAt" = excluded."StartedAt", "DurationMs" = excluded."DurationMs",
                "Status" = excluded."Status", "Succeeded" = excluded."Succeeded", "Manual" = excluded."Manual", "Error" = excluded."Error"
            """);

        // ?2 restarted: a success in the batch, so the run is what came after it; otherwise the failures add to the stored run.
        // A webhook that succeeded and was not failing is left alone (no write at all). ?5 a probe's start and ?6 its
        // success: kept once, and only for a probe made after the cool-down of the probe the webhook is in.
        public Statement UpdateStreak { get; } = new(connection,
            """
            UPDATE "Webhooks" SET
                "FailingSince" = CASE WHEN ?2 THEN ?3 ELSE coalesce("FailingSince", ?3) END,
                "ConsecutiveFailures" = CASE WHEN ?2 THEN ?4 ELSE "ConsecutiveFailures" + ?4 END,
                "ProbedAt" = CASE WHEN ?5 IS NOT NULL AND "ProbedAt" IS NULL AND "ProbeAfter" <= ?5 THEN ?5 ELSE "ProbedAt" END,
                "ProbeSucceeded" = CASE WHEN ?5 IS NOT NULL AND "ProbedAt" IS NULL AND "ProbeAfter" <= ?5 THEN ?6 ELSE "ProbeSucceeded" END
            WHERE "Id" = ?1 AND (?4 > 0 OR "FailingSince" IS NOT NULL OR "ConsecutiveFailures" <> 0 OR ?5 IS NOT NULL)
            """);

        public void Dispose()
        {
            UpdateStreak.Dispose();
            FindCaller.Dispose();
            InsertEvent.Dispose();
            ReadCounter.Dispose();
            WriteCounter.Dispose();
            InsertLog.Dispose();
            UpdateLog.Dispose();
            InsertAttempt.Dispose();
        }
    }

    /// <summary>
    /// One prepared statement on the writer's connection, bound and stepped through SQLitePCLRaw. It runs inside the
    /// transaction the connection has open; after each use it is reset and its bindings cleared.
    /// </summary>
    private sealed class Statement : IDisposable
    {
        private readonly sqlite3 _db;
        private readonly sqlite3_stmt _statement;

        public Statement(SqliteConnection connection, string sql)
        {
            _db = connection.Handle!;
            Check(raw.sqlite3_prepare_v2(_db, sql, out _statement));
        }

        public void Bind(int index, long value) => Check(raw.sqlite3_bind_int64(_statement, index, value));

        /// <summary>
        /// Text as UTF-16, converted by SQLite itself: no encoded copy on the managed heap. Text PostgreSQL would refuse
        /// is refused here too (the same write fails the same way on both providers; see <see cref="StorageErrors.IsContentError"/>).
        /// </summary>
        public void Bind(int index, string? value)
        {
            if (!StoredText.IsStorable(value))
            {
                Done();
                throw new UnstorableTextException();
            }
            Check(value is null ? raw.sqlite3_bind_null(_statement, index) : raw.sqlite3_bind_text16(_statement, index, value.AsSpan()));
        }

        public void BindBlob(int index, ReadOnlySpan<byte> value) => Check(raw.sqlite3_bind_blob(_statement, index, value));

        /// <summary>Runs a statement that returns nothing.</summary>
        public void Execute()
        {
            var rc = raw.sqlite3_step(_statement);
            if (rc != raw.SQLITE_DONE)
                Fail(rc);
            Done();
        }

        /// <summary>Runs an INSERT … RETURNING of one integer.</summary>
        public long ReturnedInt64()
        {
            if (!Row())
            {
                Done();
                throw new InvalidOperationException("The statement returned no row.");
            }
            var value = Int64(0);
            Execute();
            return value;
        }

        /// <summary>Steps to the next row; false when there is none.</summary>
        public bool Row()
        {
            var rc = raw.sqlite3_step(_statement);
            if (rc is raw.SQLITE_ROW)
                return true;
            if (rc is not raw.SQLITE_DONE)
                Fail(rc);
            return false;
        }

        public long Int64(int column) => raw.sqlite3_column_int64(_statement, column);

        /// <summary>Makes the statement ready for its next use.</summary>
        public void Done()
        {
            raw.sqlite3_reset(_statement);
            raw.sqlite3_clear_bindings(_statement);
        }

        private void Check(int rc)
        {
            if (rc != raw.SQLITE_OK)
                Fail(rc);
        }

        /// <summary>Throws SQLite's own error (its message read before the reset clears it) and leaves the statement reusable.</summary>
        private void Fail(int rc)
        {
            try
            {
                SqliteException.ThrowExceptionForRC(rc, _db);
            }
            finally
            {
                Done();
            }
        }

        public void Dispose() => _statement.Dispose();
    }
}
