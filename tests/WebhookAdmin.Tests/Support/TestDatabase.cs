using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WebhookAdmin.Core;
using WebhookAdmin.Core.Storage;

namespace WebhookAdmin.Tests.Support;

/// <summary>A real database (a SQLite file, or a database on the run's PostgreSQL), migrated like production, wired through the same registration the app uses.</summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly string _directory;

    private TestDatabase(string directory, string connectionString, ServiceProvider services)
    {
        _directory = directory;
        ConnectionString = connectionString;
        Services = services;
    }

    public ServiceProvider Services { get; }

    public string ConnectionString { get; }

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    public IDbContextFactory<WebhookAdminDbContext> Contexts => Get<IDbContextFactory<WebhookAdminDbContext>>();

    public static async Task<TestDatabase> CreateAsync(Action<IServiceCollection>? configure = null)
    {
        var directory = Directory.CreateTempSubdirectory("webhookadmin-tests-").FullName;
        var connectionString = await TestStorage.NewDatabaseAsync(directory);
        var services = new ServiceCollection();
        services.AddLogging();
        configure?.Invoke(services);
        services.AddWebhookAdminCore(connectionString, TestStorage.Provider);
        var provider = services.BuildServiceProvider();
        await provider.MigrateWebhookStorageAsync();
        return new TestDatabase(directory, connectionString, provider);
    }

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by a pool only leaves a temp folder behind.
        }
    }
}
