// How fast the first page of a webhook's logs comes back when it has 1,000,000 of them: through the service the
// logs tab uses, and over HTTP as the API serves it. Each figure is printed beside baselines measured in the same run
// on the same database: a primary-key lookup (the floor) and COUNT(*) of the webhook's logs (what paging avoids).
//
//   dotnet run -c Release --project bench/WebhookAdmin.LogsBench [-- --logs 1000000 --runs 20]
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WebhookAdmin.Core.Logs;
using WebhookAdmin.Core.Storage;
using WebhookAdmin.Core.Webhooks;
using WebhookAdmin.Hosting;

const string Company = "625bcbdcc9a8e3a86dbf041c";
var logCount = Option("--logs", 1_000_000);
var runs = Option("--runs", 20);
var folder = Directory.CreateTempSubdirectory("webhookadmin-logsbench-").FullName;
var database = Path.Combine(folder, "bench.db");
var port = FreePort();

var app = WebhookAdminHost.CreateBuilder([
    $"--urls=http://127.0.0.1:{port}", "--environment=Development",
    $"--ConnectionStrings:WebhookAdmin=Data Source={database}", "--Logging:LogLevel:Default=Warning"]).BuildWebhookAdmin();
await app.PrepareAsync();
await app.StartAsync();
try
{
    var webhook = ((WebhookOutcome.Saved)await app.Services.GetRequiredService<WebhookService>()
        .CreateAsync(Company, new WebhookDraft("Busy", "https://receiver.example/hook", WebhookTrigger.User))).Webhook;
    // Deactivated so the app's own dispatcher leaves the seeded rows alone.
    await app.Services.GetRequiredService<WebhookService>().SetActiveAsync(Company, webhook.Id, false);

    var seeding = Stopwatch.StartNew();
    await SeedAsync(database, webhook.Id, logCount);
    Console.WriteLine($"seeded {logCount:N0} logs in {seeding.Elapsed.TotalSeconds:F1} s; database {new FileInfo(database).Length / 1_048_576.0:F0} MiB");

    var queries = app.Services.GetRequiredService<WebhookLogQueries>();
    var contexts = app.Services.GetRequiredService<IDbContextFactory<WebhookAdminDbContext>>();
    var someLogId = (await queries.ListAsync(Company, webhook.Id, page: 500))!.Items[0].Id;
    using var api = await ApiClientAsync(port);
    var now = DateTime.UtcNow;

    var results = new List<(string Name, double Median, double P95)>
    {
        await Measure("baseline: log by primary key", async () => { await using var db = await contexts.CreateDbContextAsync(); await db.WebhookLogs.AsNoTracking().SingleAsync(l => l.Id == someLogId); }),
        await Measure("baseline: COUNT(*) of the webhook's logs", async () => { await using var db = await contexts.CreateDbContextAsync(); await db.WebhookLogs.CountAsync(l => l.WebhookId == webhook.Id); }),
        await Measure("tab: first page (20 rows)", () => queries.ListRowsAsync(Company, webhook.Id, LogFilter.None)),
        await Measure("tab: page 500", () => queries.ListRowsAsync(Company, webhook.Id, LogFilter.None, page: 500)),
        await Measure("tab: failed only, first page", () => queries.ListRowsAsync(Company, webhook.Id, new LogFilter(Result: LogResult.Failed))),
        await Measure("tab: status 500, first page", () => queries.ListRowsAsync(Company, webhook.Id, new LogFilter(Status: 500))),
        await Measure("tab: COTTask only, first page", () => queries.ListRowsAsync(Company, webhook.Id, new LogFilter(EventType: "COTTask"))),
        await Measure("tab: last hour, first page", () => queries.ListRowsAsync(Company, webhook.Id, new LogFilter(From: now.AddHours(-1)))),
        await Measure("API: GET logs first page over HTTP", async () => (await api.GetAsync($"/api/v3/webhook/subscription/logs/{webhook.Id}")).EnsureSuccessStatusCode()),
        await Measure("API: GET logs page 500 over HTTP", async () => (await api.GetAsync($"/api/v3/webhook/subscription/logs/{webhook.Id}?page=500")).EnsureSuccessStatusCode()),
    };

    var floor = results[0].Median;
    Console.WriteLine();
    Console.WriteLine($"{"measure",-42} {"median ms",10} {"p95 ms",9} {"× PK lookup",12}");
    foreach (var (name, median, p95) in results)
        Console.WriteLine($"{name,-42} {median,10:F2} {p95,9:F2} {median / floor,12:F1}");
}
finally
{
    await app.StopAsync();
    await app.DisposeAsync();
    SqliteConnection.ClearAllPools();
    Directory.Delete(folder, recursive: true);
}

async Task<(string, double, double)> Measure(string name, Func<Task> action)
{
    for (var i = 0; i < 3; i++)
        await action();
    var times = new double[runs];
    for (var i = 0; i < runs; i++)
    {
        var clock = Stopwatch.StartNew();
        await action();
        times[i] = clock.Elapsed.TotalMilliseconds;
    }
    Array.Sort(times);
    return (name, times[runs / 2], times[(int)Math.Ceiling(runs * 0.95) - 1]);
}

// Rows are generated inside SQLite: a million rows through EF would measure the seeding, not the reading.
static async Task SeedAsync(string database, string webhookId, int count)
{
    await using var connection = new SqliteConnection($"Data Source={database}");
    await connection.OpenAsync();
    await using var transaction = await connection.BeginTransactionAsync();
    var command = connection.CreateCommand();
    command.Parameters.AddWithValue("$company", Company);
    command.Parameters.AddWithValue("$webhook", webhookId);
    command.Parameters.AddWithValue("$count", count);
    command.CommandText = """
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $count)
        INSERT INTO Events (Sequence, Id, CompanyId, CallerId, Type, Event, PublishedAt, Deliveries)
        SELECT i, printf('%024x', i), $company, NULL,
               CASE i % 5 WHEN 0 THEN 'COTTask' WHEN 1 THEN 'COTUser' WHEN 2 THEN 'COTSurveyExecution' WHEN 3 THEN 'COTProperty' ELSE 'COTNote' END,
               'edit', strftime('%Y-%m-%d %H:%M:%f', 'now', printf('-%d seconds', $count - i)), 1
        FROM n;
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $count)
        INSERT INTO WebhookLogs (Id, CompanyId, WebhookId, CreatedAt, Status, Retry, Response, EventJson, Version, EventId, Sequence, State, NextAttemptAt, ManualAttemptRequested)
        SELECT printf('%024x', 1000000000 + i), $company, $webhook, strftime('%Y-%m-%d %H:%M:%f', 'now', printf('-%d seconds', $count - i)),
               CASE WHEN i % 10 = 0 THEN 500 ELSE 200 END, CASE WHEN i % 10 = 0 THEN 3 ELSE 1 END,
               CASE WHEN i % 10 = 0 THEN 'Internal Server Error' ELSE '{"ok":true}' END,
               '{"company":"' || $company || '","type":"COTUser","extraData":null,"createdAt":"2026-11-23T12:00:00.000Z","data":{"n":' || i || '},"event":"edit"}',
               0, printf('%024x', i), i, CASE WHEN i % 10 = 0 THEN 2 ELSE 1 END, strftime('%Y-%m-%d %H:%M:%f', 'now'), 0
        FROM n;
        """;
    await command.ExecuteNonQueryAsync();
    await transaction.CommitAsync();
    var analyze = connection.CreateCommand();
    analyze.CommandText = "ANALYZE;";
    await analyze.ExecuteNonQueryAsync();
}

static async Task<HttpClient> ApiClientAsync(int port)
{
    var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
    var token = await client.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
    {
        ["grant_type"] = "client_credentials", ["client_id"] = "acme-platform", ["client_secret"] = "acme-platform-secret", ["scope"] = "webhookadmin-api",
    }));
    var body = await token.Content.ReadFromJsonAsync<JsonElement>();
    client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", body.GetProperty("access_token").GetString());
    return client;
}

static int FreePort()
{
    using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
    listener.Start();
    return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
}

int Option(string name, int fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length && int.TryParse(args[index + 1], out var value) ? value : fallback;
}
