using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using WebhookAdmin.Core.Logs;
using WebhookAdmin.Tests.Delivery.Support;
using WebhookAdmin.Tests.Support;

namespace WebhookAdmin.Tests.Api;

/// <summary>
/// <c>GET subscription/{id}/deliveries?after=</c>: a receiver that missed deliveries reads them, in sequence order, signed
/// so that its own verification accepts them, with the company's token or the webhook's receiver key.
/// </summary>
public sealed class CatchUpApiTests(CatchUpApiTests.ShortRetention app) : IClassFixture<CatchUpApiTests.ShortRetention>
{
    private const string Subscriptions = "/api/v3/webhook/subscription";

    /// <summary>Logs older than 3 s may be purged, so a test can make retention take the oldest deliveries.</summary>
    public sealed class ShortRetention : TestApp
    {
        protected override IEnumerable<string> ExtraArguments => ["--Webhooks:Logs:Retention=00:00:03"];
    }

    [Fact]
    public async Task A_receiver_reads_what_came_after_a_sequence_with_the_bodies_sent_and_signatures_its_own_check_accepts()
    {
        using var acme = await app.ApiClientAsync();
        await using var receiver = await Receiver.StartAsync();
        var webhookId = await CreateUserWebhookAsync(acme, receiver.Url, "Caught up");
        await PublishAsync(acme, 5);
        // Recorded, not only received: the receiver sees a request before its attempt record is committed.
        await Eventually.WaitAsync(() => acme.GetFromJsonAsync<JsonElement[]>($"{Subscriptions}/logs/{webhookId}"),
            l => l!.Length == 5 && l.All(x => x.GetProperty("status").GetInt32() == 200), what: "five deliveries recorded");
        var secret = (await acme.GetFromJsonAsync<JsonElement>($"{Subscriptions}/{webhookId}/secret")).GetProperty("secret").GetString()!;

        var page = await acme.GetFromJsonAsync<JsonElement>($"{Subscriptions}/{webhookId}/deliveries?after=2");

        var deliveries = page.GetProperty("deliveries").EnumerateArray().ToList();
        Assert.Equal([3L, 4, 5], deliveries.Select(d => d.GetProperty("sequence").GetInt64()));
        Assert.Equal((5, false), (page.GetProperty("lastSequence").GetInt32(), page.GetProperty("hasMore").GetBoolean()));
        foreach (var delivery in deliveries)
        {
            var pushed = receiver.Requests.Single(r => r.Header("webhook-sequence") == delivery.GetProperty("sequence").GetInt64().ToString());
            var caughtUp = AsRequest(delivery);
            Assert.Equal(pushed.Body, caughtUp.Body);
            Assert.Equal(pushed.Header("webhook-id"), caughtUp.Header("webhook-id"));
            Assert.Equal(delivery.GetProperty("id").GetString(), caughtUp.Header("webhook-id"));
            Assert.Equal("SUCCESS", delivery.GetProperty("state").GetString());
            Assert.Equal(1, SpecVerifier.MatchingSignatures(caughtUp, secret));
        }
    }

    [Fact]
    public async Task Pages_follow_one_another_by_the_last_sequence_read()
    {
        using var acme = await app.ApiClientAsync();
        await using var receiver = await Receiver.StartAsync();
        var webhookId = await CreateUserWebhookAsync(acme, receiver.Url, "Paged");
        await PublishAsync(acme, 5);

        var first = await acme.GetFromJsonAsync<JsonElement>($"{Subscriptions}/{webhookId}/deliveries?limit=2");
        var second = await acme.GetFromJsonAsync<JsonElement>($"{Subscriptions}/{webhookId}/deliveries?after=2&limit=2");
        var last = await acme.GetFromJsonAsync<JsonElement>($"{Subscriptions}/{webhookId}/deliveries?after=4&limit=2");
        var none = await acme.GetFromJsonAsync<JsonElement>($"{Subscriptions}/{webhookId}/deliveries?after=5");

        Assert.Equal(("1,2", true), Numbers(first));
        Assert.Equal(("3,4", true), Numbers(second));
        Assert.Equal(("5", false), Numbers(last));
        Assert.Equal(("", false), Numbers(none));
        Assert.Equal(5, none.GetProperty("lastSequence").GetInt32());
    }

    [Fact]
    public async Task A_receiver_key_reads_its_own_webhook_s_deliveries_and_nothing_else()
    {
        using var acme = await app.ApiClientAsync();
        using var globex = await app.ApiClientAsync("globex-platform", "globex-platform-secret");
        await using var receiver = await Receiver.StartAsync();
        var webhookId = await CreateUserWebhookAsync(acme, receiver.Url, "Keyed");
        var otherId = await CreateUserWebhookAsync(acme, receiver.Url, "Keyed too");
        var globexId = await CreateUserWebhookAsync(globex, receiver.Url, "Not Acme's");
        await PublishAsync(acme, 2);

        using var created = await acme.PostAsync($"{Subscriptions}/{webhookId}/receiver-key", null);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var made = await created.Content.ReadFromJsonAsync<JsonElement>();
        var key = made.GetProperty("key").GetString()!;
        Assert.Matches($"^whrk_{webhookId}_[A-Za-z0-9_-]{{43}}$", key);
        Assert.Equal(key[^4..], made.GetProperty("hint").GetString());
        using var asReceiver = app.Anonymous();
        asReceiver.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);

        Assert.Equal(("1,2", false), Numbers(await asReceiver.GetFromJsonAsync<JsonElement>($"{Subscriptions}/{webhookId}/deliveries")));
        Assert.Equal(HttpStatusCode.NotFound, (await asReceiver.GetAsync($"{Subscriptions}/{otherId}/deliveries")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await asReceiver.GetAsync($"{Subscriptions}/{globexId}/deliveries")).StatusCode);
        // Read-only, and for deliveries only: no other endpoint takes it.
        Assert.Equal(HttpStatusCode.Unauthorized, (await asReceiver.GetAsync($"{Subscriptions}/{webhookId}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await asReceiver.GetAsync($"{Subscriptions}/{webhookId}/secret")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await asReceiver.PostAsync($"{Subscriptions}/{webhookId}/receiver-key", null)).StatusCode);
        // The admin sees which key it is, never the key.
        var shown = await acme.GetFromJsonAsync<JsonElement>($"{Subscriptions}/{webhookId}/receiver-key");
        Assert.False(shown.TryGetProperty("key", out _));
        Assert.Equal(key[^4..], shown.GetProperty("hint").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await globex.GetAsync($"{Subscriptions}/{webhookId}/receiver-key")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await globex.PostAsync($"{Subscriptions}/{webhookId}/receiver-key", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await globex.DeleteAsync($"{Subscriptions}/{webhookId}/receiver-key")).StatusCode);
    }

    [Fact]
    public async Task A_rotated_key_works_beside_the_new_one_until_revoked_and_a_wrong_or_forged_key_is_refused()
    {
        using var acme = await app.ApiClientAsync();
        await using var receiver = await Receiver.StartAsync();
        var webhookId = await CreateUserWebhookAsync(acme, receiver.Url, "Rotated");
        var first = await NewKeyAsync(acme, webhookId);
        var second = await NewKeyAsync(acme, webhookId);

        Assert.Equal(HttpStatusCode.OK, await StatusWithKeyAsync(first, webhookId));
        Assert.Equal(HttpStatusCode.OK, await StatusWithKeyAsync(second, webhookId));
        var shown = await acme.GetFromJsonAsync<JsonElement>($"{Subscriptions}/{webhookId}/receiver-key");
        Assert.Equal(JsonValueKind.String, shown.GetProperty("previousExpiresAt").ValueKind);
        var forged = second[..^4] + (second[^4..] == "AAAA" ? "BBBB" : "AAAA");
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWithKeyAsync(forged, webhookId));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWithKeyAsync("whrk_nonsense", webhookId));

        Assert.Equal(HttpStatusCode.NoContent, (await acme.DeleteAsync($"{Subscriptions}/{webhookId}/receiver-key")).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWithKeyAsync(first, webhookId));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWithKeyAsync(second, webhookId));
        Assert.Equal(HttpStatusCode.NotFound, (await acme.GetAsync($"{Subscriptions}/{webhookId}/receiver-key")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await acme.DeleteAsync($"{Subscriptions}/{webhookId}/receiver-key")).StatusCode);
    }

    [Theory]
    [InlineData("after=-1", "after")]
    [InlineData("after=abc", "after")]
    [InlineData("after=1.5", "after")]
    [InlineData("after=999", "after")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=1001", "limit")]
    public async Task A_bad_after_or_limit_is_a_400_naming_it(string query, string field)
    {
        using var acme = await app.ApiClientAsync();
        var webhookId = await CreateUserWebhookAsync(acme, "https://receiver.example/hook", "Asked badly");

        using var response = await acme.GetAsync($"{Subscriptions}/{webhookId}/deliveries?{query}");

        await WebhookApiTests.AssertFieldErrorAsync(response, field);
    }

    [Fact]
    public async Task Asking_for_deliveries_retention_removed_is_a_410_with_the_oldest_still_held()
    {
        using var acme = await app.ApiClientAsync();
        await using var receiver = await Receiver.StartAsync();
        var webhookId = await CreateUserWebhookAsync(acme, receiver.Url, "Retained");
        await PublishAsync(acme, 3);
        await Eventually.WaitAsync(() => receiver.Requests.Count, n => n == 3, what: "three deliveries");
        await Task.Delay(TimeSpan.FromSeconds(3.5));
        await PublishAsync(acme, 2);
        await app.Get<LogRetention>().PurgeAsync(CancellationToken.None);

        using var gone = await acme.GetAsync($"{Subscriptions}/{webhookId}/deliveries?after=1");
        var held = await acme.GetFromJsonAsync<JsonElement>($"{Subscriptions}/{webhookId}/deliveries?after=3");

        Assert.Equal(HttpStatusCode.Gone, gone.StatusCode);
        Assert.Equal("application/problem+json", gone.Content.Headers.ContentType?.MediaType);
        Assert.Equal(4, (await gone.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("oldestSequence").GetInt32());
        Assert.Equal(("4,5", false), Numbers(held));
    }

    [Fact]
    public async Task Another_company_s_webhook_and_a_malformed_id_are_404_and_400()
    {
        using var acme = await app.ApiClientAsync();
        using var globex = await app.ApiClientAsync("globex-platform", "globex-platform-secret");
        var webhookId = await CreateUserWebhookAsync(acme, "https://receiver.example/hook", "Acme's own");

        Assert.Equal(HttpStatusCode.NotFound, (await globex.GetAsync($"{Subscriptions}/{webhookId}/deliveries")).StatusCode);
        await WebhookApiTests.AssertFieldErrorAsync(await acme.GetAsync($"{Subscriptions}/nope/deliveries"), "id");
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.Anonymous().GetAsync($"{Subscriptions}/{webhookId}/deliveries")).StatusCode);
    }

    private async Task<HttpStatusCode> StatusWithKeyAsync(string key, string webhookId)
    {
        using var client = app.Anonymous();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await client.GetAsync($"{Subscriptions}/{webhookId}/deliveries");
        return response.StatusCode;
    }

    private static async Task<string> NewKeyAsync(HttpClient admin, string webhookId)
    {
        using var response = await admin.PostAsync($"{Subscriptions}/{webhookId}/receiver-key", null);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
    }

    /// <summary>A caught-up delivery as the request a push would have been, for the receiver's own check.</summary>
    private static ReceivedRequest AsRequest(JsonElement delivery) => new(
        TimeSpan.Zero,
        delivery.GetProperty("headers").EnumerateObject().ToDictionary(h => h.Name, h => h.Value.GetString()!),
        delivery.GetProperty("body").GetString()!);

    /// <summary>The page's sequences, and whether more follow, as text that compares by value.</summary>
    private static (string Numbers, bool HasMore) Numbers(JsonElement page) =>
        (string.Join(",", page.GetProperty("deliveries").EnumerateArray().Select(d => d.GetProperty("sequence").GetInt64())), page.GetProperty("hasMore").GetBoolean());

    private static async Task<string> CreateUserWebhookAsync(HttpClient api, string url, string name)
    {
        using var response = await api.PostAsJsonAsync(Subscriptions, new { name, url, trigger = "create-edit-delete-user" });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("_id").GetString()!;
    }

    private static async Task PublishAsync(HttpClient api, int count)
    {
        for (var n = 1; n <= count; n++)
        {
            using var response = await api.PostAsJsonAsync("/api/v3/webhook/events", new { type = "COTUser", @event = "edit", data = new { n } });
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }
    }
}
