// How fast the admin's pages read at scale, each figure beside baselines measured in the same run on the same database:
// - the logs tab and the logs API when one webhook has 1,000,000 logs, beside a primary-key lookup (the floor) and
//   COUNT(*) of the webhook's logs (what paging avoids);
// - the Webhooks panel and the settings panel's pickers when one company has 10,000 webhooks (and another company
//   10,000 more), beside a primary-key lookup of one webhook.
//
//   dotnet run -c Release --project bench/WebhookAdmin.QueryBench [-- --logs 1000000 --webhooks 10000 --runs 20]
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WebhookAdmin.Bench;
using WebhookAdmin.Core.Logs;
using WebhookAdmin.Core.Storage;
using WebhookAdmin.Core.Webhooks;
using WebhookAdmin.Hosting;

const string Company = "625bcbdcc9a8e3a86dbf041c";
const string OtherCompany = "626161128f1e9939e05c6ae5";
var logCount = Option("--logs", 1_000_000);
var webhookCount = Option("--webhooks", 10_000);
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
    var size = await DatabaseSize.ReadAsync(database);
    Console.WriteLine($"seeded {size.Logs:N0} logs ({size.Attempts:N0} attempts) in {seeding.Elapsed.TotalSeconds:F1} s; database {size.Bytes / 1_048_576.0:F0} MiB, " +
        $"of which event bodies {size.BodyBytes / 1_048_576.0:F0} MiB (one per event); {size.PerLogBesideBodies:F0} bytes per log beside them");

    var queries = app.Services.GetRequiredService<WebhookLogQueries>();
    var contexts = app.Services.GetRequiredService<IDbContextFactory<WebhookAdminDbContext>>();
    // Deep in the history (page 500 of 20 rows), or the last page when fewer logs were asked for.
    var deepPage = Math.Clamp(logCount / 20, 1, 500);
    var someLogKey = (await queries.ListAsync(Company, webhook.Id, page: deepPage))!.Items[0].Id;
    using var api = await ApiClientAsync(port);
    var now = DateTime.UtcNow;

    var results = new List<(string Name, double Median, double P95)>
    {
        await Measure("baseline: log by primary key", async () => { await using var db = await contexts.CreateDbContextAsync(); await db.WebhookLogs.AsNoTracking().SingleAsync(l => l.Id == someLogKey); }),
        await Measure("baseline: COUNT(*) of the webhook's logs", async () => { await using var db = await contexts.CreateDbContextAsync(); await db.WebhookLogs.CountAsync(l => l.WebhookId == webhook.Id); }),
        await Measure("tab: first page (20 rows)", () => queries.ListRowsAsync(Company, webhook.Id, LogFilter.None)),
        await Measure($"tab: page {deepPage}", () => queries.ListRowsAsync(Company, webhook.Id, LogFilter.None, page: deepPage)),
        await Measure("tab: failed only, first page", () => queries.ListRowsAsync(Company, webhook.Id, new LogFilter(Result: LogResult.Failed))),
        await Measure("tab: status 500, first page", () => queries.ListRowsAsync(Company, webhook.Id, new LogFilter(Status: 500))),
        await Measure("tab: COTTask only, first page", () => queries.ListRowsAsync(Company, webhook.Id, new LogFilter(EventType: "COTTask"))),
        await Measure("tab: last hour, first page", () => queries.ListRowsAsync(Company, webhook.Id, new LogFilter(From: now.AddHours(-1)))),
        await Measure("API query: first page with events", () => queries.ListAsync(Company, webhook.Id)),
        await Measure("API: GET logs first page over HTTP", async () => (await api.GetAsync($"/api/v3/webhook/subscription/logs/{webhook.Id}")).EnsureSuccessStatusCode()),
        await Measure($"API: GET logs page {deepPage} over HTTP", async () => (await api.GetAsync($"/api/v3/webhook/subscription/logs/{webhook.Id}?page={deepPage}")).EnsureSuccessStatusCode()),
    };

    Report(results);

    seeding.Restart();
    await SeedWebhooksAsync(database, webhookCount);
    Console.WriteLine();
    Console.WriteLine($"seeded {webhookCount:N0} webhooks for each of two companies in {seeding.Elapsed.TotalSeconds:F1} s");
    var webhooks = app.Services.GetRequiredService<WebhookService>();
    var listing = app.Services.GetRequiredService<WebhookListing>();
    var lastPage = (webhookCount * 9 / 10 - 1) / 25;
    Report(
    [
        await Measure("baseline: webhook by primary key", () => webhooks.GetAsync(Company, webhook.Id)),
        await Measure("panel: first page, active, by name", () => listing.QueryAsync(Company, new WebhookQuery())),
        await Measure("panel: first page, with disabled", () => listing.QueryAsync(Company, new WebhookQuery(IncludeDisabled: true))),
        await Measure("panel: first page, by trigger label", () => listing.QueryAsync(Company, new WebhookQuery(Sort: WebhookSort.Trigger))),
        await Measure("panel: first page, by url descending", () => listing.QueryAsync(Company, new WebhookQuery(Sort: WebhookSort.Url, Descending: true))),
        await Measure($"panel: last page ({lastPage + 1})", () => listing.QueryAsync(Company, new WebhookQuery(PageIndex: lastPage))),
        await Measure("panel: search \"crm\"", () => listing.QueryAsync(Company, new WebhookQuery("crm"))),
        await Measure("panel: 200 rows per page", () => listing.QueryAsync(Company, new WebhookQuery(PageSize: 200))),
        await Measure("picker: workflows in use", () => listing.UsedContextIdsAsync(Company, ContextField.Workflow)),
        await Measure("settings: code suggestion", () => webhooks.SuggestCodeAsync(Company, "Hook 42")),
    ]);
}
finally
{
    await app.StopAsync();
    await app.DisposeAsync();
    SqliteConnection.ClearAllPools();
    Directory.Delete(folder, recursive: true);
}

static void Report(IReadOnlyList<(string Name, double Median, double P95)> results)
{
    var floor = results[0].Median;
    Console.WriteLine();
    Console.WriteLine($"{"measure",-42} {"median ms",10} {"p95 ms",9} {"× floor",9}");
    foreach (var (name, median, p95) in results)
        Console.WriteLine($"{name,-42} {median,10:F2} {p95,9:F2} {median / floor,9:F1}");
}

async Task<(string Name, double Median, double P95)> Measure(string name, Func<Task> action)
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

// A tenth failed after three attempts, the rest answered at once; the body a real user edit of about 150 bytes.
static async Task SeedAsync(string database, string webhookId, int count)
{
    var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
    await ExecuteAsync(database, [("$company", Company), ("$webhook", webhookId), ("$count", count), ("$now", now)], """
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $count)
        INSERT INTO Events (Sequence, CompanyId, CallerId, Type, Event, PublishedAt, Deliveries, Body)
        SELECT i, $company, NULL,
               CASE i % 5 WHEN 0 THEN 'COTTask' WHEN 1 THEN 'COTUser' WHEN 2 THEN 'COTSurveyExecution' WHEN 3 THEN 'COTProperty' ELSE 'COTNote' END,
               'edit', $now - ($count - i) * 1000, 1,
               CAST('{"company":"' || $company || '","type":"COTUser","extraData":null,"createdAt":"2026-11-23T12:00:00.000Z","data":{"n":' || i || '},"event":"edit"}' AS BLOB)
        FROM n;
        INSERT INTO WebhookLogs (Id, WebhookId, CreatedAt, Status, Retry, Response, Version, Sequence, State, NextAttemptAt, ManualAttemptRequested)
        SELECT Sequence, $webhook, PublishedAt,
               CASE WHEN Sequence % 10 = 0 THEN 500 ELSE 200 END, CASE WHEN Sequence % 10 = 0 THEN 3 ELSE 1 END,
               CASE WHEN Sequence % 10 = 0 THEN 'Internal Server Error' ELSE '{"ok":true}' END,
               CASE WHEN Sequence % 10 = 0 THEN 3 ELSE 1 END, Sequence, CASE WHEN Sequence % 10 = 0 THEN 2 ELSE 1 END, PublishedAt, 0
        FROM Events ORDER BY Sequence;
        INSERT INTO WebhookLogAttempts (LogId, Number, StartedAt, DurationMs, Status, Succeeded, Manual, Error)
        SELECT l.Id, a.Number, l.CreatedAt + a.Number * 30000, 35, l.Status, l.State = 1, 0, ''
        FROM WebhookLogs AS l JOIN (SELECT 1 AS Number UNION ALL SELECT 2 UNION ALL SELECT 3) AS a ON a.Number <= l.Retry
        ORDER BY l.Id, a.Number;
        ANALYZE;
        """);
}

// A tenth disabled, every trigger, one webhook in 50 named "CRM …", 40 workflows in use; the other company's rows
// share the table and its indexes, as they would in production.
static async Task SeedWebhooksAsync(string database, int count)
{
    await ExecuteAsync(database, [("$count", count), ("$company", Company), ("$other", OtherCompany)], """
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $count),
        companies(c, k) AS (VALUES ($company, 1), ($other, 2))
        INSERT INTO Webhooks (Id, CompanyId, IsActive, Trigger, Url, Name, Code, Description, Version, Secret, CreatedAt, ModifiedAt, ContextGroup, ContextSurvey, ContextTaskGroup)
        SELECT printf('%012x%012x', k, i), c, i % 10 <> 0,
               CASE i % 6 WHEN 0 THEN 'create-edit-delete-user' WHEN 1 THEN 'create-edit-delete-task' WHEN 2 THEN 'create-edit-delete-survey'
                          WHEN 3 THEN 'create-edit-delete-property' WHEN 4 THEN 'create-edit-delete-note' ELSE 'logout-user' END,
               printf('https://receiver-%d.example/hooks/%d', i % 97, i),
               CASE WHEN i % 50 = 0 THEN printf('CRM sync %d', i) ELSE printf('Hook %d', i) END,
               CASE WHEN i % 50 = 0 THEN printf('crm_sync_%d', i) ELSE printf('hook_%d', i) END,
               '', 0, 'whsec_bench', strftime('%Y-%m-%d %H:%M:%f', 'now'), strftime('%Y-%m-%d %H:%M:%f', 'now'),
               CASE WHEN i % 6 = 2 THEN printf('%024x', 2000 + i % 30) ELSE '' END,
               CASE WHEN i % 6 = 2 THEN printf('%024x', 3000 + i % 20) ELSE '' END,
               CASE WHEN i % 6 = 1 THEN printf('%024x', 4000 + i % 40) ELSE '' END
        FROM n, companies;
        ANALYZE;
        """);
}

// Rows are generated inside SQLite, in one transaction: through EF the bench would measure the seeding, not the reading.
static async Task ExecuteAsync(string database, (string Name, object Value)[] parameters, string sql)
{
    await using var connection = new SqliteConnection($"Data Source={database}");
    await connection.OpenAsync();
    await using var transaction = await connection.BeginTransactionAsync();
    var command = connection.CreateCommand();
    foreach (var (name, value) in parameters)
        command.Parameters.AddWithValue(name, value);
    command.CommandText = sql;
    await command.ExecuteNonQueryAsync();
    await transaction.CommitAsync();
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
