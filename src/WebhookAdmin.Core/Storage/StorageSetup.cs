using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WebhookAdmin.Core.Delivery;
using WebhookAdmin.Core.Storage.Sqlite;

namespace WebhookAdmin.Core.Storage;

public static class StorageSetup
{
    public const string ConnectionStringName = "WebhookAdmin";
    public const string DefaultConnectionString = "Data Source=webhookadmin.db";

    public static IServiceCollection AddWebhookStorage(this IServiceCollection services, string? connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString ?? DefaultConnectionString)
        {
            // Readers wait for a writer instead of failing with SQLITE_BUSY while the dispatcher writes logs.
            DefaultTimeout = 30,
        };
        var busyTimeout = new SqliteBusyTimeout(TimeSpan.FromSeconds(builder.DefaultTimeout));
        services.AddDbContextFactory<WebhookAdminDbContext>(options => options.UseSqlite(builder.ConnectionString).AddInterceptors(busyTimeout));
        services.AddSingleton<IDeliveryStore>(_ => new SqliteDeliveryStore(builder.ConnectionString));
        return services;
    }

    /// <summary>Brings the database to the latest migration and turns on WAL so readers never block the writer.</summary>
    public static async Task MigrateWebhookStorageAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        var factory = services.GetRequiredService<IDbContextFactory<WebhookAdminDbContext>>();
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        await db.Database.MigrateAsync(cancellationToken);
        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
    }
}
