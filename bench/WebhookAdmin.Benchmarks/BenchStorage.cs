using WebhookAdmin.Core.Storage;
using WebhookAdmin.Tests.Support;

namespace WebhookAdmin.Benchmarks;

/// <summary>
/// Where a run keeps its data: a SQLite file on disk (the default), or a PostgreSQL server the benchmark starts from
/// Debian's binaries (as the tests do), shared by <see cref="Instances"/> app instances in this process.
/// </summary>
internal sealed class BenchStorage(StorageProvider provider, int instances)
{
    public StorageProvider Provider { get; } = provider;

    public int Instances { get; } = provider == StorageProvider.Sqlite ? 1 : Math.Max(1, instances);

    public bool IsSqlite => Provider == StorageProvider.Sqlite;

    public async Task<string> NewDatabaseAsync(string folder) =>
        IsSqlite ? $"Data Source={Path.Combine(folder, "bench.db")}" : await (await PostgresServer.InstanceAsync()).CreateDatabaseAsync();

    public override string ToString() => IsSqlite
        ? $"SQLite on {Path.GetTempPath()}"
        : $"PostgreSQL (Debian's, on this machine), {Instances} instance{(Instances == 1 ? "" : "s")} sharing it";
}
