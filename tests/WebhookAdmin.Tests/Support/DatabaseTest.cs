namespace WebhookAdmin.Tests.Support;

/// <summary>A test class with its own migrated SQLite file per test, disposed after it.</summary>
public abstract class DatabaseTest : IAsyncLifetime
{
    protected TestDatabase Db { get; private set; } = null!;

    protected T Get<T>() where T : notnull => Db.Get<T>();

    public virtual async Task InitializeAsync() => Db = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await Db.DisposeAsync();
}
