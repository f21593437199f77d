using Microsoft.Data.Sqlite;
using WebhookAdmin.Core.Delivery;
using WebhookAdmin.Core.Logs;

namespace WebhookAdmin.Core.Storage.Sqlite;

/// <summary>
/// The delivery engine's statements on SQLite. Writes go through one connection that stays open, with its statements
/// prepared once and reused for every row (EF's change tracker cost more than the database per row, measured with
/// dotnet-trace on the delivery benchmark); reads take a pooled connection each and never wait for the writer (WAL).
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
        statements.Enlist(transaction);
        var results = new List<Action>();
        foreach (var write in batch)
        {
            switch (write)
            {
                case EventWrite published:
                    results.Add(WriteEvent(statements, published));
                    break;
                case AttemptWrite attempt:
                    WriteAttempt(statements, attempt);
                    break;
                default:
                    throw new ArgumentException($"Unknown write {write.GetType().Name}.", nameof(batch));
            }
        }
        transaction.Commit();
        // Results are filled in only once committed: a failed batch leaves every write as it was, ready to retry.
        foreach (var result in results)
            result();
        return Task.CompletedTask;
    }

    /// <returns>What to fill into <paramref name="write"/> once the batch is committed.</returns>
    private static Action WriteEvent(WriterStatements statements, EventWrite write)
    {
        if (write.CallerId is not null)
        {
            statements.FindCaller.Parameters["$company"].Value = write.CompanyId;
            statements.FindCaller.Parameters["$caller"].Value = write.CallerId;
            using var reader = statements.FindCaller.ExecuteReader();
            if (reader.Read())
            {
                var (first, firstAt, firstDeliveries) = (reader.GetInt64(0), UnixTime.FromMilliseconds(reader.GetInt64(1)), reader.GetInt32(2));
                return () => write.StoredBefore(first, firstAt, firstDeliveries);
            }
        }

        var at = UnixTime.ToMilliseconds(write.PublishedAt);
        var insertEvent = statements.InsertEvent;
        insertEvent.Parameters["$company"].Value = write.CompanyId;
        insertEvent.Parameters["$caller"].Value = (object?)write.CallerId ?? DBNull.Value;
        insertEvent.Parameters["$type"].Value = write.Type;
        insertEvent.Parameters["$event"].Value = write.EventName;
        insertEvent.Parameters["$at"].Value = at;
        insertEvent.Parameters["$deliveries"].Value = write.WebhookIds.Count;
        insertEvent.Parameters["$body"].Value = write.Body;
        var sequence = (long)insertEvent.ExecuteScalar()!;

        var deliveries = new List<QueuedDelivery>(write.WebhookIds.Count);
        var insertLog = statements.InsertLog;
        insertLog.Parameters["$at"].Value = at;
        insertLog.Parameters["$sequence"].Value = sequence;
        foreach (var webhookId in write.WebhookIds)
        {
            insertLog.Parameters["$webhook"].Value = webhookId;
            var logId = (long)insertLog.ExecuteScalar()!;
            deliveries.Add(new QueuedDelivery(logId, webhookId, sequence, write.PublishedAt, write.Body));
        }
        return () => write.Stored(sequence, deliveries);
    }

    private static void WriteAttempt(WriterStatements statements, AttemptWrite write)
    {
        var update = statements.UpdateLog;
        update.Parameters["$id"].Value = write.LogId;
        update.Parameters["$status"].Value = write.Status;
        update.Parameters["$retry"].Value = write.Retry;
        update.Parameters["$response"].Value = write.Response;
        update.Parameters["$state"].Value = (int)write.State;
        update.Parameters["$next"].Value = UnixTime.ToMilliseconds(write.NextAttemptAt);
        update.ExecuteNonQuery();

        var attempt = write.Attempt;
        var insert = statements.InsertAttempt;
        insert.Parameters["$log"].Value = write.LogId;
        insert.Parameters["$number"].Value = attempt.Number;
        insert.Parameters["$started"].Value = UnixTime.ToMilliseconds(attempt.StartedAt);
        insert.Parameters["$duration"].Value = attempt.DurationMs;
        insert.Parameters["$status"].Value = attempt.Status;
        insert.Parameters["$succeeded"].Value = attempt.Succeeded;
        insert.Parameters["$manual"].Value = attempt.Manual;
        insert.Parameters["$error"].Value = attempt.Error;
        insert.ExecuteNonQuery();
    }

    public async Task<IReadOnlyList<QueuedDelivery>> PendingAsync(string webhookId, long afterSequence, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        // "State" = 0 is written out (not a parameter) so SQLite can use the partial index of pending deliveries.
        command.CommandText = """
            SELECT l."Id", l."Sequence", l."CreatedAt", l."Retry", l."NextAttemptAt", l."ManualAttemptRequested", e."Body"
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
            deliveries.Add(new QueuedDelivery(reader.GetInt64(0), webhookId, reader.GetInt64(1), UnixTime.FromMilliseconds(reader.GetInt64(2)), (byte[])reader.GetValue(6))
            {
                Retry = reader.GetInt32(3),
                NextAttemptAt = UnixTime.FromMilliseconds(reader.GetInt64(4)),
                Manual = reader.GetBoolean(5),
            });
        }
        return deliveries;
    }

    public async Task<IReadOnlyList<string>> WebhooksWithPendingAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """SELECT DISTINCT "WebhookId" FROM "WebhookLogs" WHERE "State" = 0""";
        var webhooks = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            webhooks.Add(reader.GetString(0));
        return webhooks;
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

    /// <summary>The writer's statements, prepared once on its connection.</summary>
    private sealed class WriterStatements(SqliteConnection connection) : IDisposable
    {
        public SqliteCommand FindCaller { get; } = Command(connection,
            """SELECT "Sequence", "PublishedAt", "Deliveries" FROM "Events" WHERE "CompanyId" = $company AND "CallerId" = $caller""",
            "$company", "$caller");

        public SqliteCommand InsertEvent { get; } = Command(connection,
            """
            INSERT INTO "Events" ("CompanyId", "CallerId", "Type", "Event", "PublishedAt", "Deliveries", "Body")
            VALUES ($company, $caller, $type, $event, $at, $deliveries, $body) RETURNING "Sequence"
            """,
            "$company", "$caller", "$type", "$event", "$at", "$deliveries", "$body");

        public SqliteCommand InsertLog { get; } = Command(connection,
            """
            INSERT INTO "WebhookLogs" ("WebhookId", "CreatedAt", "Status", "Retry", "Response", "Version", "Sequence", "State", "NextAttemptAt", "ManualAttemptRequested")
            VALUES ($webhook, $at, 0, 0, '', 0, $sequence, 0, $at, 0) RETURNING "Id"
            """,
            "$webhook", "$at", "$sequence");

        public SqliteCommand UpdateLog { get; } = Command(connection,
            """
            UPDATE "WebhookLogs" SET "Status" = $status, "Retry" = $retry, "Response" = $response, "State" = $state,
                "NextAttemptAt" = $next, "ManualAttemptRequested" = 0, "Version" = "Version" + 1
            WHERE "Id" = $id
            """,
            "$id", "$status", "$retry", "$response", "$state", "$next");

        // An attempt recorded twice (a retried batch) keeps its last values instead of failing the batch.
        public SqliteCommand InsertAttempt { get; } = Command(connection,
            """
            INSERT INTO "WebhookLogAttempts" ("LogId", "Number", "StartedAt", "DurationMs", "Status", "Succeeded", "Manual", "Error")
            VALUES ($log, $number, $started, $duration, $status, $succeeded, $manual, $error)
            ON CONFLICT ("LogId", "Number") DO UPDATE SET "StartedAt" = excluded."StartedAt", "DurationMs" = excluded."DurationMs",
                "Status" = excluded."Status", "Succeeded" = excluded."Succeeded", "Manual" = excluded."Manual", "Error" = excluded."Error"
            """,
            "$log", "$number", "$started", "$duration", "$status", "$succeeded", "$manual", "$error");

        public void Enlist(SqliteTransaction transaction)
        {
            FindCaller.Transaction = transaction;
            InsertEvent.Transaction = transaction;
            InsertLog.Transaction = transaction;
            UpdateLog.Transaction = transaction;
            InsertAttempt.Transaction = transaction;
        }

        private static SqliteCommand Command(SqliteConnection connection, string sql, params string[] parameters)
        {
            var command = connection.CreateCommand();
            command.CommandText = sql;
            foreach (var name in parameters)
                command.Parameters.Add(new SqliteParameter { ParameterName = name });
            return command;
        }

        public void Dispose()
        {
            FindCaller.Dispose();
            InsertEvent.Dispose();
            InsertLog.Dispose();
            UpdateLog.Dispose();
            InsertAttempt.Dispose();
        }
    }
}
