using Microsoft.Data.Sqlite;

namespace WebhookAdmin.Bench;

/// <summary>What a delivery database holds on disk, read after folding the WAL into the file.</summary>
internal sealed record DatabaseSize(long Bytes, long BodyBytes, long Events, long Logs, long Attempts)
{
    /// <summary>Bytes on disk per delivery log, leaving out the event bodies (stored once per event, however many logs).</summary>
    public double PerLogBesideBodies => (Bytes - BodyBytes) / (double)Logs;

    public static async Task<DatabaseSize> ReadAsync(string database)
    {
        await using var connection = new SqliteConnection($"Data Source={database}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            PRAGMA wal_checkpoint(TRUNCATE);
            SELECT (SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()),
                   (SELECT COALESCE(SUM(LENGTH("Body")), 0) FROM "Events"), (SELECT COUNT(*) FROM "Events"),
                   (SELECT COUNT(*) FROM "WebhookLogs"), (SELECT COUNT(*) FROM "WebhookLogAttempts");
            """;
        await using var reader = await command.ExecuteReaderAsync();
        await reader.NextResultAsync();
        await reader.ReadAsync();
        return new DatabaseSize(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4));
    }
}
