using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using WebhookAdmin.Core.Recovery;
using WebhookAdmin.Tests.Delivery.Support;
using WebhookAdmin.Tests.Support;

namespace WebhookAdmin.Tests.Api;

/// <summary><c>POST subscription/{id}/recover</c>, <c>GET …/recover/{jobId}</c>, <c>POST …/recover/{jobId}/cancel</c>: bulk recovery over the API.</summary>
public sealed class RecoveryApiTests(RecoveryApiTests.App app) : IClassFixture<RecoveryApiTests.App>
{
    private const string Subscriptions = "/api/v3/webhook/subscription";

    /// <summary>One attempt per delivery, so a failure is final at once; one delivery per batch, so a job can be held mid-way.</summary>
    public sealed class App : TestApp
    {
        protected override IEnumerable<string> ExtraArguments => ["--Webhooks:Delivery:MaxAttempts=1", "--Webhooks:Recovery:BatchSize=1"];
    }

    [Fact]
    public async Task A_recovery_answers_202_with_its_location_and_is_watched_there_until_its_failed_deliveries_went_again()
    {
        await using var receiver = await Receiver.StartAsync(Answers.Status(500));
        using var acme = await app.ApiClientAsync();
        var webhookId = await FailedWebhookAsync(acme, receiver, deliveries: 2);
        receiver.Answer = Answers.Status(200);
        // Written in another offset: the job keeps the instant, in UTC.
        using var started = await acme.PostAsJsonAsync($"{Subscriptions}/{webhookId}/recover", new { since = "2020-06-01T12:00:00+02:00" });

        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var job = await started.Content.ReadFromJsonAsync<JsonElement>();
        var jobId = job.GetProperty("id").GetString()!;
        Assert.Equal($"{Subscriptions}/{webhookId}/recover/{jobId}", started.Headers.Location?.OriginalString);
        Assert.Equal((webhookId, "2020-06-01T10:00:00.000Z", "running", 2, JsonValueKind.Null),
            (job.GetProperty("webhookId").GetString(), job.GetProperty("since").GetString(), job.GetProperty("state").GetString(),
            job.GetProperty("total").GetInt32(), job.GetProperty("finishedAt").ValueKind));
        var done = await Eventually.WaitAsync(() => acme.GetFromJsonAsync<JsonElement>(started.Headers.Location),
            j => j.GetProperty("state").GetString() != "running", what: "the job to finish");
        Assert.Equal(("completed", 2, 2), (done.GetProperty("state").GetString(), done.GetProperty("total").GetInt32(), done.GetProperty("requeued").GetInt32()));
        Assert.Equal(JsonValueKind.String, done.GetProperty("finishedAt").ValueKind);
        await Eventually.WaitAsync(() => receiver.Requests.Count, n => n == 4, what: "both deliveries again");
        Assert.Equal([1, 2, 1, 2], receiver.Arrivals);
    }

    [Theory]
    [InlineData("""{}""")]
    [InlineData("""{"since":"last tuesday"}""")]
    [InlineData("""{"since":"2999-01-01T00:00:00Z"}""")]
    public async Task A_recovery_without_a_usable_since_is_refused_naming_since(string body)
    {
        using var acme = await app.ApiClientAsync();
        var webhookId = await CreateAsync(acme, "https://receiver.example/recover");

        using var response = await acme.PostAsync($"{Subscriptions}/{webhookId}/recover", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        await WebhookApiTests.AssertFieldErrorAsync(response, "since");
    }

    [Fact]
    public async Task Another_company_gets_404_and_a_second_recovery_of_the_webhook_gets_409_while_the_first_runs()
    {
        await using var receiver = await Receiver.StartAsync(Answers.Status(500));
        using var acme = await app.ApiClientAsync();
        using var globex = await app.ApiClientAsync("globex-platform", "globex-platform-secret");
        var webhookId = await FailedWebhookAsync(acme, receiver, deliveries: 2);
        var worker = app.Services.GetRequiredService<RecoveryWorker>();
        var hold = new TaskCompletionSource();
        worker.AfterBatch = (_, cancellationToken) => hold.Task.WaitAsync(cancellationToken);
        try
        {
            var since = new { since = DateTime.UtcNow.AddHours(-1).ToString("O") };
            using var started = await acme.PostAsJsonAsync($"{Subscriptions}/{webhookId}/recover", since);
            var job = started.Headers.Location!;
            await Eventually.WaitAsync(() => acme.GetFromJsonAsync<JsonElement>(job), j => j.GetProperty("requeued").GetInt32() == 1, what: "the first batch");

            using var second = await acme.PostAsJsonAsync($"{Subscriptions}/{webhookId}/recover", since);
            using var theirStart = await globex.PostAsJsonAsync($"{Subscriptions}/{webhookId}/recover", since);
            using var theirRead = await globex.GetAsync(job);
            using var theirCancel = await globex.PostAsync($"{job}/cancel", null);
            using var unknown = await acme.GetAsync($"{Subscriptions}/{webhookId}/recover/6b0b15480200000000999999");
            using var malformed = await acme.GetAsync($"{Subscriptions}/{webhookId}/recover/not-a-job");
            using var cancelled = await acme.PostAsync($"{job}/cancel", null);

            Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
            Assert.Equal(started.Headers.Location!.OriginalString.Split('/')[^1],
                (await second.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("current").GetProperty("id").GetString());
            Assert.Equal([HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound],
                new[] { theirStart.StatusCode, theirRead.StatusCode, theirCancel.StatusCode, unknown.StatusCode });
            await WebhookApiTests.AssertFieldErrorAsync(malformed, "jobId");
            Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
            var after = await cancelled.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(("cancelled", 1), (after.GetProperty("state").GetString(), after.GetProperty("requeued").GetInt32()));
        }
        finally
        {
            worker.AfterBatch = null;
            hold.TrySetResult();
        }
    }

    private static async Task<string> FailedWebhookAsync(HttpClient api, Receiver receiver, int deliveries)
    {
        var webhookId = await CreateAsync(api, receiver.Url);
        for (var n = 1; n <= deliveries; n++)
        {
            using var published = await api.PostAsJsonAsync("/api/v3/webhook/events", new { type = "COTUser", @event = "edit", data = new { n } });
            published.EnsureSuccessStatusCode();
        }
        await Eventually.WaitAsync(async () => await api.GetFromJsonAsync<JsonElement[]>($"{Subscriptions}/logs/{webhookId}") ?? [],
            logs => logs.Length == deliveries && logs.All(l => l.GetProperty("status").GetInt32() == 500), what: "failed deliveries");
        return webhookId;
    }

    private static async Task<string> CreateAsync(HttpClient api, string url)
    {
        using var response = await api.PostAsJsonAsync(Subscriptions, new { name = $"Recover {Guid.NewGuid():N}", url, trigger = "create-edit-delete-user" });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("_id").GetString()!;
    }
}
