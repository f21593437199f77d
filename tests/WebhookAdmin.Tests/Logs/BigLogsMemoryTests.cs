using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using WebhookAdmin.Core;
using WebhookAdmin.Core.Events;
using WebhookAdmin.Core.Logs;
using WebhookAdmin.Tests.Delivery.Support;
using WebhookAdmin.Tests.Support;
using Xunit.Abstractions;

namespace WebhookAdmin.Tests.Logs;

/// <summary>
/// A page of 100 logs whose events are 1 MiB each (the largest an event may be), served by the app in a process of its
/// own, whose peak resident memory is read from <c>/proc</c>: what the page costs the server, not the test.
/// </summary>
[Collection(SeparateProcesses.Name)]
public sealed class BigLogsMemoryTests(ITestOutputHelper output)
{
    private const int Logs = 100;
    private const int BodyBytes = 1_048_000;
    private const long MaxGrowthBytes = 200L * 1024 * 1024;

    [Fact]
    public async Task A_page_of_100_logs_with_1_MiB_events_grows_the_servers_memory_by_at_most_200_MiB()
    {
        await using var receiver = await Receiver.StartAsync();
        var folder = Directory.CreateTempSubdirectory("webhookadmin-biglogs-").FullName;
        var database = await TestStorage.NewDatabaseAsync(folder);
        try
        {
            string webhookId;
            await using (var first = await AppProcess.StartAsync(database))
            {
                using var api = await first.ApiClientAsync();
                using var created = await api.PostAsJsonAsync("/api/v3/webhook/subscription",
                    new { name = "Big events", url = receiver.Url, trigger = "create-edit-delete-user" });
                webhookId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("_id").GetString()!;
            }
            await SeedAsync(database, webhookId);

            // A process that has never held the bodies, so its peak says what serving the page took.
            await using var app = await AppProcess.StartAsync(database);
            using var client = await app.ApiClientAsync();
            for (var i = 0; i < 3; i++)
                await ReadPageAsync(client, webhookId, limit: 2);
            var before = Kibibytes(app.ProcessId, "VmRSS");
            // Writing 5 to clear_refs resets the peak (VmHWM) to the current resident size.
            await File.WriteAllTextAsync($"/proc/{app.ProcessId}/clear_refs", "5");

            var page = await ReadPageAsync(client, webhookId, limit: Logs);

            var peak = Kibibytes(app.ProcessId, "VmHWM");
            var growth = (peak - before) * 1024;
            output.WriteLine($"{TestStorage.Provider}: resident {before / 1024} MiB before, peak {peak / 1024} MiB serving the page: grew {growth / (1024 * 1024)} MiB (at most {MaxGrowthBytes / (1024 * 1024)})");
            Assert.Equal(Logs, page.GetArrayLength());
            var blobs = page.EnumerateArray().Select(log => log.GetProperty("event").GetProperty("data").GetProperty("blob").GetString()!).ToArray();
            Assert.All(blobs, blob => Assert.Equal(BlobLength, blob.Length));
            // Newest first, each with its own event, byte for byte.
            Assert.Equal(Enumerable.Range(0, Logs).Reverse(), page.EnumerateArray().Select(log => log.GetProperty("event").GetProperty("extraData").GetProperty("n").GetInt32()));
            Assert.Equal(new string((char)('A' + (Logs - 1) % 26), BlobLength), blobs[0]);
            Assert.True(growth <= MaxGrowthBytes, $"serving the page grew the process by {growth / (1024 * 1024)} MiB\n{app.Output}");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static readonly int BlobLength = BodyBytes - Body(0, "").Length;

    private static string Body(int n, string blob) =>
        $$$"""{"company":"{{{Ids.Acme}}}","type":"COTUser","event":"edit","extraData":{"n":{{{n}}}},"createdAt":"2026-12-05T10:00:00.000Z","data":{"_id":"62742b7562f37034d9399914","blob":"{{{blob}}}"}}""";

    private static async Task SeedAsync(string database, string webhookId)
    {
        var start = DateTime.UtcNow.AddMinutes(-10);
        // A few at a time, so the test itself never holds the whole page.
        for (var batch = 0; batch < Logs / 10; batch++)
        {
            await using var db = TestStorage.Context(database);
            for (var i = batch * 10; i < (batch + 1) * 10; i++)
            {
                var published = new PublishedEvent
                {
                    CompanyId = Ids.Acme,
                    Type = CotEventTypes.User,
                    Event = "edit",
                    PublishedAt = start.AddMilliseconds(i),
                    Deliveries = 1,
                    Body = Encoding.UTF8.GetBytes(Body(i, new string((char)('A' + i % 26), BlobLength))),
                };
                db.WebhookLogs.Add(new WebhookLog
                {
                    WebhookId = webhookId,
                    CreatedAt = start.AddMilliseconds(i),
                    Status = 200,
                    Retry = 1,
                    Response = "ok",
                    Event = published,
                    State = DeliveryState.Succeeded,
                });
            }
            await db.SaveChangesAsync();
        }
    }

    private static async Task<JsonElement> ReadPageAsync(HttpClient client, string webhookId, int limit)
    {
        using var response = await client.GetAsync($"/api/v3/webhook/subscription/logs/{webhookId}?limit={limit}", HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        await using var body = await response.Content.ReadAsStreamAsync();
        using var page = await JsonDocument.ParseAsync(body);
        return page.RootElement.Clone();
    }

    /// <summary>A figure of <c>/proc/PID/status</c>, in KiB.</summary>
    private static long Kibibytes(int processId, string field)
    {
        var line = File.ReadLines($"/proc/{processId}/status").Single(l => l.StartsWith(field + ":", StringComparison.Ordinal));
        return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
    }
}
