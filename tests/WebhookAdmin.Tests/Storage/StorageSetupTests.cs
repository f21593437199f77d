using Microsoft.EntityFrameworkCore;
using WebhookAdmin.Tests.Support;

namespace WebhookAdmin.Tests.Storage;

[Trait(TestStorage.Trait, TestStorage.SqliteOnly)]
public sealed class StorageSetupTests : DatabaseTest
{

    [Fact]
    public async Task Every_connection_runs_in_WAL_and_lets_sqlite_wait_for_a_busy_writer()
    {
        await using var db = await Db.Contexts.CreateDbContextAsync();

        Assert.Equal("wal", await ScalarAsync(db, "PRAGMA journal_mode;"));
        Assert.Equal(30_000L, await ScalarAsync(db, "PRAGMA busy_timeout;"));
    }

    private static async Task<object?> ScalarAsync(DbContext db, string sql)
    {
        // Opened by EF, as every query of the app is: a connection opened by hand skips EF's interceptors.
        await db.Database.OpenConnectionAsync();
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }
}
