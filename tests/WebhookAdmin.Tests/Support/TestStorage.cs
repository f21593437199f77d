using Microsoft.EntityFrameworkCore;
using WebhookAdmin.Core.Storage;
using WebhookAdmin.Core.Storage.PostgreSql;
using WebhookAdmin.Core.Storage.Sqlite;

namespace WebhookAdmin.Tests.Support;

/// <summary>
/// Which storage this run of the suite tests: SQLite unless <c>WEBHOOKADMIN_TEST_STORAGE=PostgreSql</c> (./test.sh runs
/// the suite once for each). Tests that only make sense on one provider carry a <c>Storage</c> trait and are filtered
/// out of the other run.
/// </summary>
public static class TestStorage
{
    public const string Trait = "Storage";
    public const string SqliteOnly = "Sqlite";
    public const string PostgreSqlOnly = "PostgreSql";

    public static StorageProvider Provider { get; } =
        StorageSetup.ParseProvider(Environment.GetEnvironmentVariable("WEBHOOKADMIN_TEST_STORAGE"));

    public static bool IsPostgreSql => Provider == StorageProvider.PostgreSql;

    /// <summary>A fresh database: a SQLite file in <paramref name="folder"/>, or a new database on the run's PostgreSQL server.</summary>
    public static async Task<string> NewDatabaseAsync(string folder) =>
        IsPostgreSql ? await (await PostgresServer.InstanceAsync()).CreateDatabaseAsync() : $"Data Source={Path.Combine(folder, "webhookadmin.db")}";

    /// <summary>The app's command-line settings for that database.</summary>
    public static string[] AppArguments(string connectionString) =>
        [$"--{StorageSetup.ProviderKey}={Provider}", $"--ConnectionStrings:{StorageSetup.ConnectionStringName}={connectionString}"];

    /// <summary>
    /// Takes, from a connection of its own, the lock that writing <paramref name="table"/> needs (SQLite's write lock,
    /// whatever the table; an exclusive lock on that table on PostgreSQL: by default the events table, which every
    /// publish writes) and keeps it until disposed, so a test can see what waits for a commit.
    /// </summary>
    public static async Task<IAsyncDisposable> HoldWritesAsync(string connectionString, string table = "Events")
    {
        var db = Context(connectionString);
        var transaction = await db.Database.BeginTransactionAsync();
        if (IsPostgreSql)
        {
            // A table name cannot be a parameter; it comes from the test itself, never from outside.
            var lockTable = $"LOCK TABLE \"{table}\" IN EXCLUSIVE MODE";
            await db.Database.ExecuteSqlRawAsync(lockTable);
        }
        else
        {
            await db.Database.ExecuteSqlRawAsync("UPDATE \"Events\" SET \"Deliveries\" = \"Deliveries\" WHERE 0");
        }
        return new Hold(db, transaction);
    }

    /// <summary>A context on that database, for a test to look at what is stored.</summary>
    public static WebhookAdminDbContext Context(string connectionString) => IsPostgreSql
        ? new PostgreSqlWebhookAdminDbContext(new DbContextOptionsBuilder<PostgreSqlWebhookAdminDbContext>().UseNpgsql(connectionString).Options)
        : new SqliteWebhookAdminDbContext(new DbContextOptionsBuilder<SqliteWebhookAdminDbContext>().UseSqlite(connectionString).Options);

    /// <summary>Released by the first dispose (a test lets go mid-way, then its <c>await using</c> ends).</summary>
    private sealed class Hold(WebhookAdminDbContext db, Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction transaction) : IAsyncDisposable
    {
        private int _released;

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _released, 1) == 1)
                return;
            await transaction.RollbackAsync();
            await transaction.DisposeAsync();
            await db.DisposeAsync();
        }
    }
}
