using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace WebhookAdmin.Core.Storage.Sqlite;

/// <summary>Gives each connection <see cref="TextFold.SqliteFunction"/>, the fold searches compare with (see <see cref="TextFold"/>).</summary>
internal sealed class SqliteTextFold : DbConnectionInterceptor
{
    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Register(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Register(connection);
        return Task.CompletedTask;
    }

    private static void Register(DbConnection connection) =>
        ((SqliteConnection)connection).CreateFunction<string?, string?>(TextFold.SqliteFunction, text => text is null ? null : TextFold.Fold(text), isDeterministic: true);
}
