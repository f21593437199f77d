using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace WebhookAdmin.Core.Storage.Sqlite;

/// <summary>
/// Lets SQLite itself wait for a busy database. Without it, Microsoft.Data.Sqlite answers SQLITE_BUSY by sleeping
/// 150 ms and stepping again, so every time the publisher and the dispatcher's log writer met on SQLite's single write
/// lock a delivery lost 150 ms (the benchmark showed latencies in 150 ms steps). SQLite's busy handler polls in steps
/// of a few milliseconds, so a waiting writer goes as soon as the lock is free.
/// </summary>
internal sealed class SqliteBusyTimeout(TimeSpan timeout) : DbConnectionInterceptor
{
    private readonly string _pragma = $"PRAGMA busy_timeout = {(int)timeout.TotalMilliseconds};";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = _pragma;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = _pragma;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
