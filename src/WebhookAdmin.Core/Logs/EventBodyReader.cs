using System.Buffers;
using System.Data;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using WebhookAdmin.Core.Storage;

namespace WebhookAdmin.Core.Logs;

/// <summary>
/// Reads stored event bodies one at a time into one pooled buffer, so a page of logs whose events are 1 MiB each is
/// written with one body in memory, not the page's hundred (nor their parsed copies).
/// </summary>
public sealed class EventBodyReader : IAsyncDisposable
{
    private readonly WebhookAdminDbContext _db;
    private readonly DbCommand _command;
    private readonly DbParameter _sequence;
    private byte[] _buffer;

    private EventBodyReader(WebhookAdminDbContext db, DbCommand command, DbParameter sequence)
    {
        _db = db;
        _command = command;
        _sequence = sequence;
        _buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
    }

    /// <summary>Opens the connection now, so an unavailable database is known before any of the answer is written.</summary>
    public static async Task<EventBodyReader> OpenAsync(IDbContextFactory<WebhookAdminDbContext> dbFactory, CancellationToken cancellationToken)
    {
        var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        try
        {
            await db.Database.OpenConnectionAsync(cancellationToken);
            var command = db.Database.GetDbConnection().CreateCommand();
            var events = db.Model.FindEntityType(typeof(Events.PublishedEvent))!;
            command.CommandText = $"""SELECT "{Column(events, "Body")}" FROM "{events.GetTableName()}" WHERE "{Column(events, "Sequence")}" = @sequence""";
            var sequence = command.CreateParameter();
            sequence.ParameterName = "@sequence";
            sequence.DbType = DbType.Int64;
            command.Parameters.Add(sequence);
            return new EventBodyReader(db, command, sequence);
        }
        catch
        {
            await db.DisposeAsync();
            throw;
        }
    }

    /// <summary>The event's body as stored, valid until the next call; empty when the event is gone or has no body.</summary>
    public async Task<ReadOnlyMemory<byte>> ReadAsync(long sequence, CancellationToken cancellationToken)
    {
        _sequence.Value = sequence;
        await using var reader = await _command.ExecuteReaderAsync(CommandBehavior.SequentialAccess | CommandBehavior.SingleRow, cancellationToken);
        if (!await reader.ReadAsync(cancellationToken) || await reader.IsDBNullAsync(0, cancellationToken))
            return ReadOnlyMemory<byte>.Empty;
        var length = checked((int)reader.GetBytes(0, 0, null, 0, 0));
        if (_buffer.Length < length)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = ArrayPool<byte>.Shared.Rent(length);
        }
        var read = 0;
        while (read < length)
        {
            var chunk = (int)reader.GetBytes(0, read, _buffer, read, length - read);
            if (chunk == 0)
                break;
            read += chunk;
        }
        return _buffer.AsMemory(0, read);
    }

    private static string Column(Microsoft.EntityFrameworkCore.Metadata.IEntityType entity, string property) =>
        entity.FindProperty(property)!.GetColumnName();

    public async ValueTask DisposeAsync()
    {
        await _command.DisposeAsync();
        await _db.DisposeAsync();
        ArrayPool<byte>.Shared.Return(_buffer);
    }
}
