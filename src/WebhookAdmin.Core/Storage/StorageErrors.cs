using System.Net.Sockets;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace WebhookAdmin.Core.Storage;

/// <summary>What a provider's error means, asked in one place so services never look at provider exceptions.</summary>
public static class StorageErrors
{
    /// <summary>A unique index refused the row (SQLite's SQLITE_CONSTRAINT, PostgreSQL's 23505).</summary>
    public static bool IsUniqueViolation(DbUpdateException e) => e.InnerException switch
    {
        SqliteException { SqliteErrorCode: 19 } => true,
        PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } => true,
        _ => false,
    };

    /// <summary>
    /// The database could not be reached or could not take the write right now, whatever was written: the server is
    /// down, restarting or unreachable (Npgsql's transient errors, timeouts, broken connections), or SQLite's file is
    /// locked by another process past the busy timeout (SQLITE_BUSY, SQLITE_LOCKED), the disk is full (SQLITE_FULL) or
    /// failing (SQLITE_IOERR). The same write may succeed later; it is not the content's fault.
    /// </summary>
    public static bool IsUnavailable(Exception e)
    {
        for (Exception? inner = e; inner is not null; inner = inner.InnerException)
        {
            switch (inner)
            {
                case StorageUnavailableException:
                case NpgsqlException { IsTransient: true }:
                case SqliteException { SqliteErrorCode: 5 or 6 or 10 or 13 }:
                case TimeoutException:
                case IOException:
                case SocketException:
                    return true;
            }
        }
        return false;
    }
}

/// <summary>
/// The database did not take a write within the time the caller may wait (it is unreachable, restarting, locked or
/// full). Nothing the caller can change: try again after <see cref="RetryAfter"/>.
/// </summary>
public sealed class StorageUnavailableException(string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>What to tell a caller to wait before trying again: about the time a restart or a lock usually lasts.</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);
}
