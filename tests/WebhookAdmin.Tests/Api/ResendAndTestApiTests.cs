using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using WebhookAdmin.Tests.Delivery.Support;
using WebhookAdmin.Tests.Support;

namespace WebhookAdmin.Tests.Api;

/// <summary>What the Logs tab can do, over the API: resend one delivery, send a test event.</summary>
public sealed class ResendAndTestApiTests(ResendAndTestApiTests.App app) : IClassFixture<ResendAndTestApiTests.App>
{
    private const string Subscriptions = "/api/v3/webhook/subscription";

    /// <summary>One attempt per delivery, so a failure is final at once and can be resent.</summary>
    public sealed class App : TestApp
    {
        protected override IEnumerable<string> ExtraArguments => ["--Webhooks:Delivery:MaxAttempts=1"];
    }

    [Fact]
    public async Task Resending_a_failed_delivery_adds_one_attempt_to_the_same_log()
    {
        await using var receiver = await Receiver.StartAsync(Answers.Status(503, "down"));
        using var acme = await app.ApiClientAsync();
        var webhookId = await CreateAsync(acme, receiver.Url);
        await PublishAsync(acme);
        var failed = await SingleLogAsync(acme, webhookId, log => log.GetProperty("status").GetInt32() == 503);
        receiver.Answer = Answers.Status(200, "fine now");

        using var response = await acme.PostAsync($"{Subscriptions}/{webhookId}/logs/{Id(failed)}/resend", null);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(1, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("queued").GetInt32());
        var resent = await SingleLogAsync(acme, webhookId, log => log.GetProperty("status").GetInt32() == 200);
        Assert.Equal((Id(failed), 2, "fine now"), (Id(resent), resent.GetProperty("retry").GetInt32(), resent.GetProperty("response").GetString()));
        Assert.Single(receiver.Requests.Select(r => r.Header("webhook-id")).Distinct());
    }

    [Fact]
    public async Task A_resend_names_the_problem_an_unknown_log_another_webhook_a_malformed_id_or_a_delivery_in_progress()
    {
        var hold = new TaskCompletionSource();
        await using var receiver = await Receiver.StartAsync(async (_, _, _) =>
        {
            await hold.Task;
            return Microsoft.AspNetCore.Http.Results.Ok();
        });
        using var acme = await app.ApiClientAsync();
        using var globex = await app.ApiClientAsync("globex-platform", "globex-platform-secret");
        var webhookId = await CreateAsync(acme, receiver.Url);
        var otherWebhookId = await CreateAsync(acme, "https://receiver.example/other");
        await PublishAsync(acme);
        var inFlight = await SingleLogAsync(acme, webhookId, _ => receiver.Requests.Count > 0);

        using var inProgress = await acme.PostAsync($"{Subscriptions}/{webhookId}/logs/{Id(inFlight)}/resend", null);
        using var wrongWebhook = await acme.PostAsync($"{Subscriptions}/{otherWebhookId}/logs/{Id(inFlight)}/resend", null);
        using var otherCompany = await globex.PostAsync($"{Subscriptions}/{webhookId}/logs/{Id(inFlight)}/resend", null);
        using var unknown = await acme.PostAsync($"{Subscriptions}/{webhookId}/logs/6b0b15480200000000999999/resend", null);
        using var malformed = await acme.PostAsync($"{Subscriptions}/{webhookId}/logs/not-a-log/resend", null);
        hold.SetResult();

        Assert.Equal(HttpStatusCode.Conflict, inProgress.StatusCode);
        Assert.Contains("in progress", (await inProgress.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        Assert.Equal([HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound], new[] { wrongWebhook.StatusCode, otherCompany.StatusCode, unknown.StatusCode });
        await WebhookApiTests.AssertFieldErrorAsync(malformed, "logId");
    }

    [Fact]
    public async Task A_test_event_goes_to_that_webhook_shaped_like_its_trigger_and_marked_as_a_test()
    {
        await using var receiver = await Receiver.StartAsync();
        using var acme = await app.ApiClientAsync();
        using var globex = await app.ApiClientAsync("globex-platform", "globex-platform-secret");
        var webhookId = await CreateAsync(acme, receiver.Url);

        using var response = await acme.PostAsync($"{Subscriptions}/{webhookId}/test", null);
        using var notTheirs = await globex.PostAsync($"{Subscriptions}/{webhookId}/test", null);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(1, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("deliveries").GetInt32());
        Assert.Equal(HttpStatusCode.NotFound, notTheirs.StatusCode);
        var sent = (await Eventually.WaitAsync(() => receiver.Requests, r => r.Count == 1, what: "the test event")).Single().Event;
        Assert.Equal(("COTUser", true), (sent.GetProperty("type").GetString(), sent.GetProperty("extraData").GetProperty("test").GetBoolean()));
    }

    private static string Id(JsonElement log) => log.GetProperty("_id").GetString()!;

    private static async Task<string> CreateAsync(HttpClient api, string url)
    {
        using var response = await api.PostAsJsonAsync(Subscriptions, new { name = $"Resend {Guid.NewGuid():N}", url, trigger = "create-edit-delete-user" });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("_id").GetString()!;
    }

    private static async Task PublishAsync(HttpClient api)
    {
        using var response = await api.PostAsJsonAsync("/api/v3/webhook/events", new { type = "COTUser", @event = "edit", data = new { n = 1 } });
        response.EnsureSuccessStatusCode();
    }

    private static async Task<JsonElement> SingleLogAsync(HttpClient api, string webhookId, Func<JsonElement, bool> done) =>
        (await Eventually.WaitAsync(async () => await api.GetFromJsonAsync<JsonElement[]>($"{Subscriptions}/logs/{webhookId}") ?? [],
            logs => logs is [var only] && done(only), what: "the webhook's one log")).Single();
}
