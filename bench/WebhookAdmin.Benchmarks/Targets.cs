using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using WebhookAdmin.Core;
using WebhookAdmin.Core.Delivery;
using WebhookAdmin.Core.Events;
using WebhookAdmin.Core.Storage;
using WebhookAdmin.Core.Webhooks;

namespace WebhookAdmin.Benchmarks;

/// <summary>Something events are published to, which delivers each to webhooks <c>0..W-1</c> of the receiver.</summary>
internal interface IDeliveryTarget : IAsyncDisposable
{
    ValueTask PublishAsync(int run, int n);
}

internal static class BenchEvents
{
    public const string Company = "625bcbdcc9a8e3a86dbf041c";

    /// <summary>A user edit of about the size the platform sends; <c>data.run</c> and <c>data.n</c> let the receiver tell it apart.</summary>
    public static CotEvent UserEdit(int run, int n) =>
        new(CotEventTypes.User, CotEventNames.Edit,
            JsonSerializer.SerializeToElement(new { run, n, _id = "62742b7562f37034d9399914", name = "Benchmark user", email = "bench@example.com" }));

    /// <summary>The same event as the API takes it (run 0: the receiver answers, counts nothing).</summary>
    public static string Json(int n) =>
        $$$"""{"type":"COTUser","event":"edit","data":{"run":0,"n":{{{n}}},"_id":"62742b7562f37034d9399914","name":"Benchmark user","email":"bench@example.com"}}""";

    /// <summary>
    /// <paramref name="count"/> pending deliveries of one webhook, written straight into the database in one transaction
    /// (through the publisher a million events would take the time the publishing rows already measure).
    /// </summary>
    public static async Task SeedPendingAsync(DispatcherTarget target, string webhookId, int run, int count)
    {
        await using var db = await target.Services.GetRequiredService<IDbContextFactory<WebhookAdminDbContext>>().CreateDbContextAsync();
        await using var transaction = await db.Database.BeginTransactionAsync();
        var body = $$"""'{"company":"{{Company}}","type":"COTUser","extraData":null,"createdAt":"2026-11-28T12:00:00.000Z","data":{"run":{{run}},"n":' || i || ',"_id":"62742b7562f37034d9399914","name":"Benchmark user"},"event":"edit"}'""";
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        // Every value below is the benchmark's own (numbers, ids it made): nothing from outside goes into this SQL.
        var events = target.Storage.IsSqlite
            ? $"""
              WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < {count} - 1)
              INSERT INTO "Events" ("CompanyId", "CallerId", "Type", "Event", "PublishedAt", "Deliveries", "Body")
              SELECT '{Company}', NULL, 'COTUser', 'edit', {now}, 1, CAST({body} AS BLOB) FROM n
              """
            : $"""
              INSERT INTO "Events" ("CompanyId", "CallerId", "Type", "Event", "PublishedAt", "Deliveries", "Body")
              SELECT '{Company}', NULL, 'COTUser', 'edit', {now}, 1, convert_to({body}, 'UTF8') FROM generate_series(0, {count} - 1) AS i
              """;
        var logs = $"""
            INSERT INTO "WebhookLogs" ("WebhookId", "CreatedAt", "Status", "Retry", "Response", "Version", "Sequence", "WebhookSequence", "State", "NextAttemptAt", "ManualAttemptRequested")
            SELECT '{webhookId}', {now}, 0, 0, '', 0, "Sequence", row_number() OVER (ORDER BY "Sequence"), 0, {now}, {(target.Storage.IsSqlite ? "0" : "false")}
            FROM "Events" ORDER BY "Sequence";
            INSERT INTO "WebhookCounters" ("WebhookId", "LastSequence") VALUES ('{webhookId}', {count})
            ON CONFLICT ("WebhookId") DO UPDATE SET "LastSequence" = excluded."LastSequence";
            """;
        // Raw SQL is a format string to EF: the JSON's braces are doubled.
        await db.Database.ExecuteSqlRawAsync(events.Replace("{", "{{").Replace("}", "}}"));
        await db.Database.ExecuteSqlRawAsync(logs);
        await transaction.CommitAsync();
    }
}

internal static class BenchHistory
{
    /// <summary>
    /// <paramref name="count"/> delivered logs of one webhook, each with its event and its one attempt, all
    /// <paramref name="age"/> old: what a busy month leaves for the retention to purge.
    /// </summary>
    public static async Task SeedDeliveredAsync(DispatcherTarget target, string webhookId, int count, TimeSpan age)
    {
        await using var db = await target.Services.GetRequiredService<IDbContextFactory<WebhookAdminDbContext>>().CreateDbContextAsync();
        db.Database.SetCommandTimeout(TimeSpan.FromMinutes(10));
        await using var transaction = await db.Database.BeginTransactionAsync();
        var at = DateTimeOffset.UtcNow.Add(-age).ToUnixTimeMilliseconds();
        var body = $$"""'{"company":"{{BenchEvents.Company}}","type":"COTUser","extraData":null,"createdAt":"2026-10-28T12:00:00.000Z","data":{"run":0,"n":' || i || ',"_id":"62742b7562f37034d9399914","name":"Benchmark user"},"event":"edit"}'""";
        var sqlite = target.Storage.IsSqlite;
        // Every value below is the benchmark's own (numbers, ids it made): nothing from outside goes into this SQL.
        var first = await db.Database.SqlQueryRaw<long>("""SELECT coalesce(max("Sequence"), 0) AS "Value" FROM "Events" """).SingleAsync();
        var events = sqlite
            ? $"""
              WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < {count} - 1)
              INSERT INTO "Events" ("CompanyId", "CallerId", "Type", "Event", "PublishedAt", "Deliveries", "Body")
              SELECT '{BenchEvents.Company}', NULL, 'COTUser', 'edit', {at}, 1, CAST({body} AS BLOB) FROM n
              """
            : $"""
              INSERT INTO "Events" ("CompanyId", "CallerId", "Type", "Event", "PublishedAt", "Deliveries", "Body")
              SELECT '{BenchEvents.Company}', NULL, 'COTUser', 'edit', {at}, 1, convert_to({body}, 'UTF8') FROM generate_series(0, {count} - 1) AS i
              """;
        var logs = $"""
            INSERT INTO "WebhookLogs" ("WebhookId", "CreatedAt", "Status", "Retry", "Response", "Version", "Sequence", "State", "NextAttemptAt", "ManualAttemptRequested")
            SELECT '{webhookId}', {at}, 200, 1, 'received', 1, "Sequence", 1, {at}, {(sqlite ? "0" : "false")} FROM "Events" WHERE "Sequence" > {first} ORDER BY "Sequence"
            """;
        var attempts = $"""
            INSERT INTO "WebhookLogAttempts" ("LogId", "Number", "StartedAt", "DurationMs", "Status", "Succeeded", "Manual", "Error")
            SELECT "Id", 1, {at}, 3, 200, {(sqlite ? "1" : "true")}, {(sqlite ? "0" : "false")}, '' FROM "WebhookLogs" WHERE "WebhookId" = '{webhookId}'
            """;
        // Raw SQL is a format string to EF: the JSON's braces are doubled.
        await db.Database.ExecuteSqlRawAsync(events.Replace("{", "{{").Replace("}", "}}"));
        await db.Database.ExecuteSqlRawAsync(logs);
        await db.Database.ExecuteSqlRawAsync(attempts);
        await transaction.CommitAsync();
    }
}

/// <summary>
/// The ceiling: the same bodies and the same traffic shape as the dispatcher (one post in flight per webhook, in order,
/// at most <c>concurrency</c> in flight overall) with plain HttpClient posts, in-memory queues and no storage.
/// </summary>
internal sealed class CeilingTarget : IDeliveryTarget
{
    private readonly HttpClient _client = new();
    private readonly SemaphoreSlim _slots;
    private readonly Channel<string>[] _queues;
    private readonly Task[] _lanes;

    public CeilingTarget(string baseUrl, int webhooks, int concurrency)
    {
        _slots = new SemaphoreSlim(concurrency);
        _queues = Enumerable.Range(0, webhooks).Select(_ => Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true })).ToArray();
        _lanes = _queues.Select((queue, w) => RunLaneAsync(queue.Reader, $"{baseUrl}/hook/{w}")).ToArray();
    }

    public ValueTask PublishAsync(int run, int n)
    {
        var body = CotEventJson.Write(BenchEvents.Company, BenchEvents.UserEdit(run, n), DateTime.UtcNow);
        foreach (var queue in _queues)
            queue.Writer.TryWrite(body);
        return ValueTask.CompletedTask;
    }

    private async Task RunLaneAsync(ChannelReader<string> queue, string url)
    {
        await foreach (var body in queue.ReadAllAsync())
        {
            await _slots.WaitAsync();
            try
            {
                using var content = new StringContent(body, Encoding.UTF8, "application/json");
                using var response = await _client.PostAsync(url, content);
            }
            finally
            {
                _slots.Release();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var queue in _queues)
            queue.Writer.Complete();
        await Task.WhenAll(_lanes);
        _client.Dispose();
        _slots.Dispose();
    }
}

/// <summary>
/// The product: Core's storage and delivery registrations (<see cref="CoreServices.AddWebhookAdminCore"/>,
/// <see cref="DeliveryServices.AddWebhookDelivery"/>) on a fresh migrated database, with production defaults except that
/// loopback targets are allowed; <c>webhooks</c> COTUser webhooks pointing at the receiver. With several instances (on
/// PostgreSQL), each is a host of its own on the same database, and publishes are spread over them in turn.
/// </summary>
internal sealed class DispatcherTarget : IDeliveryTarget
{
    private readonly IHost[] _hosts;
    private readonly string _folder;
    private readonly IEventPublisher[] _publishers;

    private DispatcherTarget(IHost[] hosts, string folder, BenchStorage storage, string connectionString, IReadOnlyList<string> webhookIds)
    {
        _hosts = hosts;
        _folder = folder;
        Storage = storage;
        ConnectionString = connectionString;
        WebhookIds = webhookIds;
        _publishers = hosts.Select(h => h.Services.GetRequiredService<IEventPublisher>()).ToArray();
    }

    public IServiceProvider Services => _hosts[0].Services;

    public IEnumerable<IServiceProvider> AllServices => _hosts.Select(h => h.Services);

    public BenchStorage Storage { get; }

    public string ConnectionString { get; }

    public IReadOnlyList<string> WebhookIds { get; }

    public string DatabasePath => Path.Combine(_folder, "bench.db");

    /// <param name="settings">More configuration (e.g. <c>Webhooks:Delivery:RetryDelay</c>), over the defaults.</param>
    public static async Task<DispatcherTarget> StartAsync(string baseUrl, int webhooks, int concurrency, BenchStorage storage, bool active = true,
        IReadOnlyDictionary<string, string?>? settings = null)
    {
        var folder = Directory.CreateTempSubdirectory("webhookadmin-bench-").FullName;
        var connectionString = await storage.NewDatabaseAsync(folder);
        var hosts = new IHost[storage.Instances];
        for (var i = 0; i < hosts.Length; i++)
        {
            var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                [$"{DeliveryOptions.SectionName}:AllowPrivateNetworks"] = "true",
                [$"{DeliveryOptions.SectionName}:MaxConcurrentDeliveries"] = concurrency.ToString(CultureInfo.InvariantCulture),
            });
            if (settings is not null)
                builder.Configuration.AddInMemoryCollection(settings);
            builder.Logging.ClearProviders();
            builder.Services.AddWebhookAdminCore(connectionString, storage.Provider);
            builder.Services.AddWebhookDelivery(builder.Configuration);
            hosts[i] = builder.Build();
        }
        await hosts[0].Services.MigrateWebhookStorageAsync();
        var service = hosts[0].Services.GetRequiredService<WebhookService>();
        var ids = new List<string>();
        for (var w = 0; w < webhooks; w++)
        {
            var outcome = await service.CreateAsync(BenchEvents.Company, new WebhookDraft($"Bench {w}", $"{baseUrl}/hook/{w}", WebhookTrigger.User, IsActive: active));
            ids.Add(outcome is WebhookOutcome.Saved saved ? saved.Webhook.Id : throw new InvalidOperationException($"Could not create bench webhook {w}: {outcome}"));
        }
        foreach (var host in hosts)
            await host.StartAsync();
        return new DispatcherTarget(hosts, folder, storage, connectionString, ids);
    }

    public async ValueTask PublishAsync(int run, int n)
    {
        if (await _publishers[n % _publishers.Length].PublishAsync(BenchEvents.Company, BenchEvents.UserEdit(run, n)) is not PublishOutcome.Accepted)
            throw new InvalidOperationException($"Event {n} was not accepted.");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            await host.StopAsync();
            if (host is IAsyncDisposable disposable)
                await disposable.DisposeAsync();
            else
                host.Dispose();
        }
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open only leaves a temp folder behind.
        }
    }
}
