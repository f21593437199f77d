using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.Extensions.DependencyInjection;
using WebhookAdmin.Core.Delivery;

namespace WebhookAdmin.Core.Storage.Sqlite;

/// <summary>The model on SQLite; its migrations live in <c>Storage/Sqlite/Migrations</c>.</summary>
public sealed class SqliteWebhookAdminDbContext(DbContextOptions<SqliteWebhookAdminDbContext> options) : WebhookAdminDbContext(options);

/// <summary>
/// The embedded default: one SQLite file, one app instance. Nothing to install; WAL so readers never wait for the writer.
/// Several instances need the PostgreSQL provider (a second process on the same file would deliver the same queue).
/// </summary>
internal static class SqliteStorage
{
    public static IServiceCollection AddSqliteStorage(this IServiceCollection services, string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString)
        {
            // Readers wait for a writer instead of failing with SQLITE_BUSY while the dispatcher writes logs.
            DefaultTimeout = 30,
        };
        var busyTimeout = new SqliteBusyTimeout(TimeSpan.FromSeconds(builder.DefaultTimeout));
        services.AddDbContextFactory<SqliteWebhookAdminDbContext>(options => options.UseSqlite(builder.ConnectionString).AddInterceptors(busyTimeout));
        services.AddSingleton<IDbContextFactory<WebhookAdminDbContext>, ProviderContextFactory<SqliteWebhookAdminDbContext>>();
        services.AddSingleton<IDeliveryStore>(_ => new SqliteDeliveryStore(builder.ConnectionString));
        services.AddSingleton<IStorageMigrator, SqliteMigrator>();
        services.AddSingleton<IClusterSignals, SingleInstance>();
        services.AddSingleton<IClusterDuties, SingleInstance>();
        services.AddSingleton<IRateWindows, LocalRateWindows>();
        return services;
    }

    private sealed class SqliteMigrator(IDbContextFactory<WebhookAdminDbContext> factory) : IStorageMigrator
    {
        public async Task MigrateAsync(CancellationToken cancellationToken)
        {
            await using var db = await factory.CreateDbContextAsync(cancellationToken);
            await db.Database.MigrateAsync(cancellationToken);
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
            await Webhooks.WebhookSortNames.RefreshAsync(db, cancellationToken);
        }
    }

    /// <summary>One instance per file: there is nobody to tell.</summary>
    private sealed class SingleInstance : IClusterSignals, IClusterDuties
    {
        public Task<bool> HoldAsync(string duty, TimeSpan term, CancellationToken cancellationToken) => Task.FromResult(true);

        public Task ReleaseAsync(string duty, CancellationToken cancellationToken) => Task.CompletedTask;

        public void WebhooksChanged(string companyId, IReadOnlyCollection<string> webhookIds)
        {
        }

        public void DeliveriesRequeued(string webhookId)
        {
        }
    }
}

/// <summary>Lets <c>dotnet ef migrations add … --context SqliteWebhookAdminDbContext</c> build the model without the web host.</summary>
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteWebhookAdminDbContext>
{
    public SqliteWebhookAdminDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteWebhookAdminDbContext>().UseSqlite(StorageSetup.DefaultConnectionString).Options);
}
