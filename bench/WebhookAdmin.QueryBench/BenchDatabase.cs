using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;
using WebhookAdmin.Bench;
using WebhookAdmin.Core.Storage;

namespace WebhookAdmin.QueryBench;

/// <summary>
/// The benchmark's database and its seeding. Rows are generated inside the database, in one transaction: through EF
/// the bench would measure the seeding, not the reading. The same rows on SQLite and on PostgreSQL, in each one's SQL.
/// </summary>
internal sealed class BenchDatabase(StorageProvider provider, string connectionString)
{
    public const string Company = "625bcbdcc9a8e3a86dbf041c";
    public const string OtherCompany = "626161128f1e9939e05c6ae5";

    public string ConnectionString { get; } = connectionString;

    private bool IsSqlite => provider == StorageProvider.Sqlite;

    /// <summary>A tenth failed after three attempts, the rest answered at once; the body a real user edit of about 150 bytes.</summary>
    public Task SeedLogsAsync(string webhookId, int count) => ExecuteAsync(
        [("company", Company), ("webhook", webhookId), ("count", count), ("now", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds())],
        IsSqlite
            ? """
              WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $count)
              INSERT INTO Events (Sequence, CompanyId, CallerId, Type, Event, PublishedAt, Deliveries, Body)
              SELECT i, $company, NULL,
                     CASE i % 5 WHEN 0 THEN 'COTTask' WHEN 1 THEN 'COTUser' WHEN 2 THEN 'COTSurveyExecution' WHEN 3 THEN 'COTProperty' ELSE 'COTNote' END,
                     'edit', $now - ($count - i) * 1000, 1,
                     CAST('{"company":"' || $company || '","type":"COTUser","extraData":null,"createdAt":"2026-11-23T12:00:00.000Z","data":{"n":' || i || '},"event":"edit"}' AS BLOB)
              FROM n;
              INSERT INTO WebhookLogs (Id, WebhookId, CreatedAt, Status, Retry, Response, Version, Sequence, State, NextAttemptAt, ManualAttemptRequested)
              SELECT Sequence, $webhook, PublishedAt,
                     CASE WHEN Sequence % 10 = 0 THEN 500 ELSE 200 END, CASE WHEN Sequence % 10 = 0 THEN 3 ELSE 1 END,
                     CASE WHEN Sequence % 10 = 0 THEN 'Internal Server Error' ELSE '{"ok":true}' END,
                     CASE WHEN Sequence % 10 = 0 THEN 3 ELSE 1 END, Sequence, CASE WHEN Sequence % 10 = 0 THEN 2 ELSE 1 END, PublishedAt, 0
              FROM Events ORDER BY Sequence;
              INSERT INTO WebhookLogAttempts (LogId, Number, StartedAt, DurationMs, Status, Succeeded, Manual, Error)
              SELECT l.Id, a.Number, l.CreatedAt + a.Number * 30000, 35, l.Status, l.State = 1, 0, ''
              FROM WebhookLogs AS l JOIN (SELECT 1 AS Number UNION ALL SELECT 2 UNION ALL SELECT 3) AS a ON a.Number <= l.Retry
              ORDER BY l.Id, a.Number;
              ANALYZE;
              """
            : """
              INSERT INTO "Events" ("Sequence", "CompanyId", "CallerId", "Type", "Event", "PublishedAt", "Deliveries", "Body")
              SELECT i, @company, NULL,
                     CASE i % 5 WHEN 0 THEN 'COTTask' WHEN 1 THEN 'COTUser' WHEN 2 THEN 'COTSurveyExecution' WHEN 3 THEN 'COTProperty' ELSE 'COTNote' END,
                     'edit', @now - (@count - i) * 1000, 1,
                     convert_to('{"company":"' || @company || '","type":"COTUser","extraData":null,"createdAt":"2026-11-23T12:00:00.000Z","data":{"n":' || i || '},"event":"edit"}', 'UTF8')
              FROM generate_series(1, @count) AS i;
              INSERT INTO "WebhookLogs" ("Id", "WebhookId", "CreatedAt", "Status", "Retry", "Response", "Version", "Sequence", "State", "NextAttemptAt", "ManualAttemptRequested")
              SELECT "Sequence", @webhook, "PublishedAt",
                     CASE WHEN "Sequence" % 10 = 0 THEN 500 ELSE 200 END, CASE WHEN "Sequence" % 10 = 0 THEN 3 ELSE 1 END,
                     CASE WHEN "Sequence" % 10 = 0 THEN 'Internal Server Error' ELSE '{"ok":true}' END,
                     CASE WHEN "Sequence" % 10 = 0 THEN 3 ELSE 1 END, "Sequence", CASE WHEN "Sequence" % 10 = 0 THEN 2 ELSE 1 END, "PublishedAt", false
              FROM "Events" ORDER BY "Sequence";
              INSERT INTO "WebhookLogAttempts" ("LogId", "Number", "StartedAt", "DurationMs", "Status", "Succeeded", "Manual", "Error")
              SELECT l."Id", a.n, l."CreatedAt" + a.n * 30000, 35, l."Status", l."State" = 1, false, ''
              FROM "WebhookLogs" AS l JOIN generate_series(1, 3) AS a(n) ON a.n <= l."Retry"
              ORDER BY l."Id", a.n;
              SELECT setval(pg_get_serial_sequence('"Events"', 'Sequence'), @count);
              SELECT setval(pg_get_serial_sequence('"WebhookLogs"', 'Id'), @count);
              """);

    /// <summary>
    /// A tenth disabled, every trigger, one webhook in 50 named "CRM …", 40 workflows in use; the other company's rows
    /// share the table and its indexes, as they would in production.
    /// </summary>
    public Task SeedWebhooksAsync(int count) => ExecuteAsync([("count", count), ("company", Company), ("other", OtherCompany)],
        IsSqlite
            ? """
              WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $count),
              companies(c, k) AS (VALUES ($company, 1), ($other, 2))
              INSERT INTO Webhooks (Id, CompanyId, IsActive, Trigger, Url, Name, SortName, Code, Description, Version, Secret, CreatedAt, ModifiedAt, ContextGroup, ContextSurvey, ContextTaskGroup)
              SELECT printf('%012x%012x', k, i), c, i % 10 <> 0,
                     CASE i % 6 WHEN 0 THEN 'create-edit-delete-user' WHEN 1 THEN 'create-edit-delete-task' WHEN 2 THEN 'create-edit-delete-survey'
                                WHEN 3 THEN 'create-edit-delete-property' WHEN 4 THEN 'create-edit-delete-note' ELSE 'logout-user' END,
                     printf('https://receiver-%d.example/hooks/%d', i % 97, i),
                     CASE WHEN i % 50 = 0 THEN printf('CRM sync %d', i) ELSE printf('Hook %d', i) END,
                     CASE WHEN i % 50 = 0 THEN printf('crm sync %d', i) ELSE printf('hook %d', i) END,
                     CASE WHEN i % 50 = 0 THEN printf('crm_sync_%d', i) ELSE printf('hook_%d', i) END,
                     '', 0, 'whsec_bench', strftime('%Y-%m-%d %H:%M:%f', 'now'), strftime('%Y-%m-%d %H:%M:%f', 'now'),
                     CASE WHEN i % 6 = 2 THEN printf('%024x', 2000 + i % 30) ELSE '' END,
                     CASE WHEN i % 6 = 2 THEN printf('%024x', 3000 + i % 20) ELSE '' END,
                     CASE WHEN i % 6 = 1 THEN printf('%024x', 4000 + i % 40) ELSE '' END
              FROM n, companies;
              ANALYZE;
              """
            : """
              INSERT INTO "Webhooks" ("Id", "CompanyId", "IsActive", "Trigger", "Url", "Name", "SortName", "Code", "Description", "Version", "Secret", "CreatedAt", "ModifiedAt", "ContextGroup", "ContextSurvey", "ContextTaskGroup")
              SELECT lpad(to_hex(k), 12, '0') || lpad(to_hex(i), 12, '0'), c, i % 10 <> 0,
                     CASE i % 6 WHEN 0 THEN 'create-edit-delete-user' WHEN 1 THEN 'create-edit-delete-task' WHEN 2 THEN 'create-edit-delete-survey'
                                WHEN 3 THEN 'create-edit-delete-property' WHEN 4 THEN 'create-edit-delete-note' ELSE 'logout-user' END,
                     format('https://receiver-%s.example/hooks/%s', i % 97, i),
                     CASE WHEN i % 50 = 0 THEN format('CRM sync %s', i) ELSE format('Hook %s', i) END,
                     CASE WHEN i % 50 = 0 THEN format('crm sync %s', i) ELSE format('hook %s', i) END,
                     CASE WHEN i % 50 = 0 THEN format('crm_sync_%s', i) ELSE format('hook_%s', i) END,
                     '', 0, 'whsec_bench', now(), now(),
                     CASE WHEN i % 6 = 2 THEN lpad(to_hex(2000 + i % 30), 24, '0') ELSE '' END,
                     CASE WHEN i % 6 = 2 THEN lpad(to_hex(3000 + i % 20), 24, '0') ELSE '' END,
                     CASE WHEN i % 6 = 1 THEN lpad(to_hex(4000 + i % 40), 24, '0') ELSE '' END
              FROM generate_series(1, @count) AS i, (VALUES (@company, 1), (@other, 2)) AS companies(c, k);
              """);

    /// <summary>
    /// <paramref name="count"/> directory entries of each kind for each of two companies: names such as "Workflow 00042 North"
    /// (a seventh of them North), ids that do not collide across kinds or companies.
    /// </summary>
    public Task SeedDirectoryAsync(int count) => ExecuteAsync(
        [("count", count), ("company", Company), ("other", OtherCompany), ("now", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds())],
        IsSqlite
            ? """
              WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $count),
              companies(c, k) AS (VALUES ($company, 1), ($other, 2)),
              kinds(kind, j) AS (VALUES ('Workflow', 1), ('Survey', 2), ('Group', 3)),
              named AS (
                SELECT c, kind, printf('%02x%02x%020x', k, j, i) AS id,
                       printf('%s %05d %s', kind, i, CASE i % 7 WHEN 0 THEN 'North' WHEN 1 THEN 'South' WHEN 2 THEN 'East' WHEN 3 THEN 'West'
                                                              WHEN 4 THEN 'Central' WHEN 5 THEN 'Coast' ELSE 'Andes' END) AS name
                FROM n, companies, kinds)
              INSERT INTO DirectoryEntries (CompanyId, Kind, Id, Name, NameKey, ModifiedAt)
              SELECT c, kind, id, name, lower(name), $now FROM named;
              ANALYZE;
              """
            : """
              INSERT INTO "DirectoryEntries" ("CompanyId", "Kind", "Id", "Name", "NameKey", "ModifiedAt")
              SELECT c, kind, id, name, lower(name), @now
              FROM (SELECT c, kind, lpad(to_hex(k), 2, '0') || lpad(to_hex(j), 2, '0') || lpad(to_hex(i), 20, '0') AS id,
                           format('%s %s %s', kind, lpad(i::text, 5, '0'), (ARRAY['North', 'South', 'East', 'West', 'Central', 'Coast', 'Andes'])[i % 7 + 1]) AS name
                    FROM generate_series(1, @count) AS i, (VALUES (@company, 1), (@other, 2)) AS companies(c, k),
                         (VALUES ('Workflow', 1), ('Survey', 2), ('Group', 3)) AS kinds(kind, j)) AS named;
              """);

    /// <summary>On PostgreSQL the size of the whole database (catalogs included), after ANALYZE; bodies as stored.</summary>
    public async Task<DatabaseSize> SizeAsync()
    {
        if (IsSqlite)
            return await DatabaseSize.ReadAsync(new SqliteConnectionStringBuilder(ConnectionString).DataSource);
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using (var analyze = new NpgsqlCommand("VACUUM ANALYZE", connection))
            await analyze.ExecuteNonQueryAsync();
        await using var command = new NpgsqlCommand("""
            SELECT pg_database_size(current_database()), (SELECT COALESCE(SUM(octet_length("Body")), 0) FROM "Events"), (SELECT count(*) FROM "Events"),
                   (SELECT count(*) FROM "WebhookLogs"), (SELECT count(*) FROM "WebhookLogAttempts")
            """, connection);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return new DatabaseSize(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4));
    }

    private async Task ExecuteAsync((string Name, object Value)[] parameters, string sql)
    {
        await using DbConnection connection = IsSqlite ? new SqliteConnection(ConnectionString) : new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandTimeout = 600;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = (IsSqlite ? "$" : "@") + name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
        await transaction.CommitAsync();
        if (!IsSqlite)
        {
            await using var analyze = connection.CreateCommand();
            analyze.CommandText = "ANALYZE";
            await analyze.ExecuteNonQueryAsync();
        }
    }
}
