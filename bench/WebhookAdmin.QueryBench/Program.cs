// How fast the admin's pages read at scale, each figure beside baselines measured in the same run on the same database:
// - the logs tab and the logs API when one webhook has 1,000,000 logs, beside a primary-key lookup (the floor) and
//   COUNT(*) of the webhook's logs (what paging avoids);
// - the Webhooks panel and the settings panel's pickers when one company has 10,000 webhooks (and another company
//   10,000 more), beside a primary-key lookup of one webhook;
// - the pickers' search when the directory holds 10,000 names of each kind for each of two companies, beside a
//   lookup of one entry by its key.
//
//   dotnet run -c Release --project bench/WebhookAdmin.QueryBench [-- --logs 1000000 --webhooks 10000 --directory 10000 --runs 20]
//
// --storage PostgreSql runs it on a PostgreSQL server started from Debian's binaries (as the tests do).
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WebhookAdmin.Bench;
using WebhookAdmin.Core.ContextDirectory;
using WebhookAdmin.Core.Logs;
using WebhookAdmin.Core.Storage;
using WebhookAdmin.QueryBench;
using WebhookAdmin.Core.Webhooks;
using WebhookAdmin.Hosting;

const string Company = BenchDatabase.Company;
var logCount = Option("--logs", 1_000_000);
var webhookCount = Option("--webhooks", 10_000);
var directoryCount = Option("--directory", 10_000);
var runs = Option("--runs", 20);
var folder = Directory.CreateTempSubdirectory("webhookadmin-logsbench-").FullName;
var storage = StorageSetup.ParseProvider(Array.IndexOf(args, "--storage") is var at and >= 0 && at + 1 < args.Length ? args[at + 1] : null);
var database = storage == StorageProvider.Sqlite
    ? new BenchDatabase(storage, $"Data Source={Path.Combine(folder, "bench.db")}")
    : new BenchDatabase(storage, await (await WebhookAdmin.Tests.Support.PostgresServer.InstanceAsync()).CreateDatabaseAsync());
var port = FreePort();
Console.WriteLine($"QueryBench on {storage}");

var app = WebhookAdminHost.CreateBuilder([
    $"--urls=http://127.0.0.1:{port}", "--environment=Development", $"--Storage:Provider={storage}",
    $"--ConnectionStrings:WebhookAdmin={database.ConnectionString}", "--Logging:LogLevel:Default=Warning"]).BuildWebhookAdmin();
await app.PrepareAsync();
await app.StartAsync();
try
{
    var webhook = ((WebhookOutcome.Saved)await app.Services.GetRequiredService<WebhookService>()
        .CreateAsync(Company, new WebhookDraft("Busy", "https://receiver.example/hook", WebhookTrigger.User))).Webhook;
    // Deactivated so the app's own dispatcher leaves the seeded rows alone.
    await app.Services.GetRequiredService<WebhookService>().SetActiveAsync(Company, webhook.Id, false);

    var seeding = Stopwatch.StartNew();
    await database.SeedLogsAsync(webhook.Id, logCount);
    var size = await database.SizeAsync();
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
    await database.SeedWebhooksAsync(webhookCount);
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

    seeding.Restart();
    await database.SeedDirectoryAsync(directoryCount);
    Console.WriteLine();
    Console.WriteLine($"seeded {directoryCount:N0} directory entries of each kind for each of two companies in {seeding.Elapsed.TotalSeconds:F1} s");
    var directory = app.Services.GetRequiredService<DirectoryService>();
    var choices = app.Services.GetRequiredService<ContextChoices>();
    var rare = $"{directoryCount / 2:00000}";
    // What the picker runs per keystroke (directory search + ids in use + their names), and the API's search.
    Report(
    [
        await Measure("baseline: directory entry by key", () => directory.NamesAsync(Company, ContextField.Workflow, ["0101" + new string('0', 16) + "0001"])),
        await Measure("picker: no text (first 50 by name)", () => choices.SearchAsync(Company, ContextField.Workflow, "")),
        await Measure("picker: \"north\" (1 in 7 names)", () => choices.SearchAsync(Company, ContextField.Workflow, "north")),
        await Measure($"picker: \"{rare}\" (1 name: reads all)", () => choices.SearchAsync(Company, ContextField.Workflow, rare)),
        await Measure("picker: \"zzz\" (no match: reads all)", () => choices.SearchAsync(Company, ContextField.Survey, "zzz")),
        await Measure("picker: id prefix", () => choices.SearchAsync(Company, ContextField.Group, "0103000000000000000001")),
        await Measure("API: GET directory ?search=north", async () => (await api.GetAsync("/api/v3/webhook/directory/workflow?search=north")).EnsureSuccessStatusCode()),
    ]);
}
finally
{
    await app.StopAsync();
    await app.DisposeAsync();
    SqliteConnection.ClearAllPools();
    Npgsql.NpgsqlConnection.ClearAllPools();
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
