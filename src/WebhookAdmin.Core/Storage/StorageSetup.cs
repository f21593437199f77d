using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WebhookAdmin.Core.Storage.PostgreSql;
using WebhookAdmin.Core.Storage.Sqlite;

namespace WebhookAdmin.Core.Storage;

/// <summary><c>Storage:Provider</c>: where the app keeps its data.</summary>
public enum StorageProvider
{
    /// <summary>The embedded default: one SQLite file, one instance.</summary>
    Sqlite,

    /// <summary>A PostgreSQL server, which several instances can share.</summary>
    PostgreSql,
}

public static class StorageSetup
{
    public const string ConnectionStringName = "WebhookAdmin";
    public const string ProviderKey = "Storage:Provider";
    public const string DefaultConnectionString = "Data Source=webhookadmin.db";

    /// <summary>Reads <c>Storage:Provider</c> (<c>Sqlite</c> when unset); anything else stops the start with a clear message.</summary>
    public static StorageProvider ParseProvider(string? value) =>
        string.IsNullOrWhiteSpace(value) ? StorageProvider.Sqlite
        : value.Trim().ToLowerInvariant() switch
        {
            "sqlite" => StorageProvider.Sqlite,
            "postgresql" or "postgres" or "npgsql" => StorageProvider.PostgreSql,
            _ => throw new InvalidOperationException($"{ProviderKey} is '{value}'; it must be Sqlite or PostgreSQL."),
        };

    /// <summary>The provider's context factory, delivery store, migrator and instance signals.</summary>
    public static IServiceCollection AddWebhookStorage(this IServiceCollection services, string? connectionString, StorageProvider provider = StorageProvider.Sqlite)
    {
        _ = provider switch
        {
            StorageProvider.Sqlite => services.AddSqliteStorage(connectionString ?? DefaultConnectionString),
            _ => services.AddPostgreSqlStorage(string.IsNullOrWhiteSpace(connectionString)
                ? throw new InvalidOperationException($"{ProviderKey} is PostgreSQL: set ConnectionStrings:{ConnectionStringName} to its connection string.")
                : connectionString),
        };
        // Data Protection's key store asks for a context from a scope.
        services.AddScoped(provider => provider.GetRequiredService<IDbContextFactory<WebhookAdminDbContext>>().CreateDbContext());
        return services;
    }

    /// <summary>Brings the database to the latest migration of its provider (and applies the provider's own settings).</summary>
    public static Task MigrateWebhookStorageAsync(this IServiceProvider services, CancellationToken cancellationToken = default) =>
        services.GetRequiredService<IStorageMigrator>().MigrateAsync(cancellationToken);
}

/// <summary>Applies the provider's migrations at start-up.</summary>
public interface IStorageMigrator
{
    Task MigrateAsync(CancellationToken cancellationToken);
}

/// <summary>Hands out the provider's context as the one type the rest of the app asks for.</summary>
internal sealed class ProviderContextFactory<TContext>(IDbContextFactory<TContext> inner) : IDbContextFactory<WebhookAdminDbContext>
    where TContext : WebhookAdminDbContext
{
    public WebhookAdminDbContext CreateDbContext() => inner.CreateDbContext();

    public async Task<WebhookAdminDbContext> CreateDbContextAsync(CancellationToken cancellationToken = default) =>
        await inner.CreateDbContextAsync(cancellationToken);
}
