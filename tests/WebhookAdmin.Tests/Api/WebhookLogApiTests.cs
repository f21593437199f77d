using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using WebhookAdmin.Core;
using WebhookAdmin.Core.Events;
using WebhookAdmin.Core.Logs;
using WebhookAdmin.Core.Storage;
using WebhookAdmin.Tests.Support;

namespace WebhookAdmin.Tests.Api;

public sealed class WebhookLogApiTests(TestApp app) : IClassFixture<TestApp>
{
    private static readonly DateTime Start = new(2022, 5, 5, 20, 4, 40, 84, DateTimeKind.Utc);

    [Fact]
    public async Task Log_has_the_documented_COTWebhookLog_shape()
    {
        using var acme = await app.ApiClientAsync();
        var webhookId = await WebhookApiTests.CreateAsync(acme, "Logged");
        await AddLogsAsync(webhookId, 1);

        var logs = await acme.GetFromJsonAsync<JsonElement[]>($"/api/v3/webhook/subscription/logs/{webhookId}");

        var log = Assert.Single(logs!);
        Assert.Equal(["_id", "company", "createdAt", "status", "retry", "response", "event", "subscription", "__v", "sequence"],
            log.EnumerateObject().Select(p => p.Name));
        Assert.Equal("2022-05-05T20:04:40.084Z", log.GetProperty("createdAt").GetString());
        Assert.Equal((409, 3, "connect ETIMEDOUT 67.225.146.248:443"),
            (log.GetProperty("status").GetInt32(), log.GetProperty("retry").GetInt32(), log.GetProperty("response").GetString()));
        Assert.Equal(webhookId, log.GetProperty("subscription").GetString());
        Assert.Equal(Ids.Acme, log.GetProperty("company").GetString());
        var sent = log.GetProperty("event");
        Assert.Equal(JsonValueKind.Object, sent.ValueKind);
        Assert.Equal(("COTTask", "create", JsonValueKind.Null),
            (sent.GetProperty("type").GetString(), sent.GetProperty("event").GetString(), sent.GetProperty("extraData").ValueKind));
        Assert.Equal(Ids.Workflow, sent.GetProperty("data").GetProperty("taskGroup").GetString());
    }

    [Fact]
    public async Task Logs_come_newest_first_in_pages_with_a_link_to_the_next()
    {
        using var acme = await app.ApiClientAsync();
        var webhookId = await WebhookApiTests.CreateAsync(acme, "Busy");
        await AddLogsAsync(webhookId, 25);

        using var first = await acme.GetAsync($"/api/v3/webhook/subscription/logs/{webhookId}?limit=10");
        var firstPage = await first.Content.ReadFromJsonAsync<JsonElement[]>();
        using var last = await acme.GetAsync($"/api/v3/webhook/subscription/logs/{webhookId}?page=3&limit=10");
        var lastPage = await last.Content.ReadFromJsonAsync<JsonElement[]>();
        var defaultPage = await acme.GetFromJsonAsync<JsonElement[]>($"/api/v3/webhook/subscription/logs/{webhookId}");

        Assert.Equal(10, firstPage!.Length);
        var times = firstPage.Select(l => l.GetProperty("createdAt").GetString()).ToArray();
        Assert.Equal(times.OrderDescending(StringComparer.Ordinal), times);
        Assert.Equal("2022-05-05T20:04:40.108Z", times[0]);
        Assert.Equal($"</api/v3/webhook/subscription/logs/{webhookId}?page=2&limit=10>; rel=\"next\"", first.Headers.GetValues("Link").Single());
        Assert.Equal(5, lastPage!.Length);
        Assert.False(last.Headers.Contains("Link"));
        Assert.Equal("2022-05-05T20:04:40.084Z", lastPage[^1].GetProperty("createdAt").GetString());
        Assert.Equal(20, defaultPage!.Length);
    }

    [Theory]
    [InlineData("page=0", "page")]
    [InlineData("page=abc", "page")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=101", "limit")]
    [InlineData("limit=ten", "limit")]
    public async Task Bad_paging_is_a_bad_request_naming_the_parameter(string query, string field)
    {
        using var acme = await app.ApiClientAsync();
        var webhookId = await WebhookApiTests.CreateAsync(acme, "Paged");

        using var response = await acme.GetAsync($"/api/v3/webhook/subscription/logs/{webhookId}?{query}");

        await WebhookApiTests.AssertFieldErrorAsync(response, field);
    }

    [Fact]
    public async Task A_log_whose_event_body_was_emptied_by_an_old_migration_is_listed_with_a_null_event()
    {
        using var acme = await app.ApiClientAsync();
        var webhookId = await WebhookApiTests.CreateAsync(acme, "Compacted");
        await AddLogsAsync(webhookId, 2);
        await using (var db = await app.Get<IDbContextFactory<WebhookAdminDbContext>>().CreateDbContextAsync())
        {
            var oldest = await db.WebhookLogs.Where(l => l.WebhookId == webhookId).OrderBy(l => l.CreatedAt).Select(l => l.Sequence).FirstAsync();
            await db.Events.Where(e => e.Sequence == oldest).ExecuteUpdateAsync(e => e.SetProperty(p => p.Body, Array.Empty<byte>()));
        }

        var logs = await acme.GetFromJsonAsync<JsonElement[]>($"/api/v3/webhook/subscription/logs/{webhookId}");

        Assert.Equal([JsonValueKind.Object, JsonValueKind.Null], logs!.Select(l => l.GetProperty("event").ValueKind));
    }

    [Fact]
    public async Task Logs_of_an_unknown_webhook_are_not_found()
    {
        using var acme = await app.ApiClientAsync();

        using var response = await acme.GetAsync($"/api/v3/webhook/subscription/logs/{ObjectId.NewId()}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    /// <summary>Logs one millisecond apart from <see cref="Start"/>, shaped like the documented sample.</summary>
    private async Task AddLogsAsync(string webhookId, int count)
    {
        var contexts = app.Get<IDbContextFactory<WebhookAdminDbContext>>();
        await using var db = await contexts.CreateDbContextAsync();
        for (var i = 0; i < count; i++)
        {
            var published = new PublishedEvent
            {
                CompanyId = Ids.Acme,
                Type = "COTTask",
                Event = "create",
                PublishedAt = Start.AddMilliseconds(i),
                Deliveries = 1,
                Body = Encoding.UTF8.GetBytes($$"""{"company":"{{Ids.Acme}}","type":"COTTask","extraData":null,"createdAt":"2022-05-05T19:54:29.924Z","data":{"_id":"62742b7562f37034d9399914","taskGroup":"{{Ids.Workflow}}"},"event":"create"}"""),
            };
            db.WebhookLogs.Add(new WebhookLog
            {
                WebhookId = webhookId,
                CreatedAt = Start.AddMilliseconds(i),
                Status = 409,
                Retry = 3,
                Response = "connect ETIMEDOUT 67.225.146.248:443",
                Event = published,
                State = DeliveryState.Failed,
            });
        }
        await db.SaveChangesAsync();
    }
}
