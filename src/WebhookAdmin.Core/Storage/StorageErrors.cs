using System.Net.Sockets;
using System.Text;
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

    /// <summary>
    /// The database refused the write for what it holds, not for its own state: the same write would be refused again,
    /// so retrying it is pointless (and, in the writer, would hold back every write behind it). PostgreSQL: class 22
    /// (data exception: a NUL in text 22021, untranslatable character 22P05, value too long 22001, out of range 22003),
    /// class 23 (a constraint: a row whose parent is gone), class 54 (a program limit: a value or row too large).
    /// SQLite: SQLITE_TOOBIG (18), SQLITE_CONSTRAINT (19), SQLITE_MISMATCH (20), SQLITE_RANGE (25). A string the
    /// driver cannot encode (half a surrogate pair) never reaches the server but is refused for its content too.
    /// Everything else (connection lost, timeouts, SQLITE_BUSY, a full disk) is transient: the write waits and is retried.
    /// </summary>
    public static bool IsContentError(Exception e)
    {
        for (Exception? inner = e; inner is not null; inner = inner.InnerException)
        {
            switch (inner)
            {
                case PostgresException postgres:
                    return postgres.SqlState.Length == 5 && postgres.SqlState[..2] is "22" or "23" or "54";
                case SqliteException sqlite:
                    return sqlite.SqliteErrorCode is 18 or 19 or 20 or 25;
                case EncoderFallbackException or UnstorableTextException:
                    return true;
            }
        }
        return false;
    }

    /// <summary>Why the database refused a write, short and storable (it is kept in a log's response): its code and message.</summary>
    public static string ContentErrorReason(Exception e)
    {
        for (Exception? inner = e; inner is not null; inner = inner.InnerException)
        {
            var reason = inner switch
            {
                PostgresException postgres => $"{postgres.SqlState} {postgres.MessageText}",
                SqliteException sqlite => $"SQLite error {sqlite.SqliteErrorCode}: {sqlite.Message}",
                EncoderFallbackException => "text the database driver cannot encode (a lone UTF-16 surrogate)",
                UnstorableTextException unstorable => unstorable.Message,
                _ => null,
            };
            if (reason is not null)
                return StoredText.Clean(reason.Length <= ReasonMaxLength ? reason : reason[..ReasonMaxLength] + "…");
        }
        return StoredText.Clean(e.Message);
    }

    private const int ReasonMaxLength = 300;
}

/// <summary>The database refused a write for its content (<see cref="StorageErrors.IsContentError"/>); retrying it would not help.</summary>
public sealed class ContentRefusedException(string reason, Exception inner) : Exception($"The database refused the write for its content: {reason}", inner)
{
    public string Reason { get; } = reason;
}

/// <summary>
/// SQLite would store this text, but PostgreSQL would refuse it (a NUL, half a surrogate pair): the SQLite store refuses it
/// too, so that one product behaves the same on both providers.
/// </summary>
public sealed class UnstorableTextException() : Exception("text holding NUL or invalid UTF-16, which no supported database stores");

/// <summary>
/// The database did not take a write within the time the caller may wait (it is unreachable, restarting, locked or
/// full). Nothing the caller can change: try again after <see cref="RetryAfter"/>.
/// </summary>
public sealed class StorageUnavailableException(string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>What to tell a caller to wait before trying again: about the time a restart or a lock usually lasts.</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);
}
