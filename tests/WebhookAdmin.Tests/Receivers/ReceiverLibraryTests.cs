using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using WebhookAdmin.Receiving;
using WebhookAdmin.Tests.Delivery.Support;
using WebhookAdmin.Tests.Support;

namespace WebhookAdmin.Tests.Receivers;

/// <summary>The receiver library (<c>src/WebhookAdmin.Receiver</c>) against the real app: verified, once, in order, gaps filled.</summary>
public sealed class ReceiverLibraryTests(ReceiverLibraryTests.OneAttempt app) : IClassFixture<ReceiverLibraryTests.OneAttempt>
{
    private const string Subscriptions = "/api/v3/webhook/subscription";

    /// <summary>One attempt per delivery: a receiver that fails once leaves a gap for the next delivery to reveal.</summary>
    public sealed class OneAttempt : TestApp
    {
        protected override IEnumerable<string> ExtraArguments => ["--Webhooks:Delivery:MaxAttempts=1"];
    }

    [Fact]
    public async Task Events_reach_the_application_once_each_in_order_and_an_admin_s_resend_is_not_handed_over_again()
    {
        using var acme = await app.ApiClientAsync();
        await using var receiver = await LibraryReceiver.StartAsync(app, acme, "Once each");

        await PublishAsync(acme, 1, 2, 3);
        await Eventually.WaitAsync(() => receiver.Handled.Count, n => n == 3, what: "three events handled");
        var logs = await acme.GetFromJsonAsync<JsonElement[]>($"{Subscriptions}/logs/{receiver.WebhookId}");
        var second = logs!.Single(l => l.GetProperty("sequence").GetInt32() == 2).GetProperty("_id").GetString();
        using var resend = await acme.PostAsync($"{Subscriptions}/{receiver.WebhookId}/logs/{second}/resend", null);
        Assert.Equal(HttpStatusCode.Accepted, resend.StatusCode);
        await Eventually.WaitAsync(() => acme.GetFromJsonAsync<JsonElement[]>($"{Subscriptions}/logs/{receiver.WebhookId}"),
            l => l!.Single(x => x.GetProperty("sequence").GetInt32() == 2).GetProperty("retry").GetInt32() == 2, what: "the resend answered");

        Assert.Equal([(1L, 1), (2L, 2), (3L, 3)], receiver.Handled.Select(m => (m.Sequence, m.Event.GetProperty("data").GetProperty("n").GetInt32())));
        Assert.All(receiver.Handled, m => Assert.False(m.CaughtUp));
    }

    [Fact]
    public async Task A_delivery_that_failed_is_read_from_the_catch_up_api_before_the_next_one_is_handed_over()
    {
        using var acme = await app.ApiClientAsync();
        var failures = 0;
        await using var receiver = await LibraryReceiver.StartAsync(app, acme, "Gap filled", message =>
        {
            // The application is down for event 2's one attempt, and fine again afterwards.
            if (message.Sequence == 2 && Interlocked.Increment(ref failures) == 1)
                throw new InvalidOperationException("the application's database is restarting");
        });

        await PublishAsync(acme, 1, 2);
        await Eventually.WaitAsync(() => acme.GetFromJsonAsync<JsonElement[]>($"{Subscriptions}/logs/{receiver.WebhookId}"),
            l => l!.Length == 2 && l.All(x => x.GetProperty("status").GetInt32() != 0), what: "both attempts answered");
        Assert.Equal([1L], receiver.Handled.Select(m => m.Sequence));
        await PublishAsync(acme, 3);

        await Eventually.WaitAsync(() => receiver.Handled.Count, n => n == 3, what: "the gap filled");
        Assert.Equal([(1L, false), (2L, true), (3L, false)], receiver.Handled.Select(m => (m.Sequence, m.CaughtUp)));
        Assert.Equal([1, 2, 3], receiver.Handled.Select(m => m.Event.GetProperty("data").GetProperty("n").GetInt32()));
    }

    [Fact]
    public async Task Deliveries_retention_removed_before_the_receiver_caught_up_are_reported_lost_and_the_receiver_goes_on()
    {
        await using var shortRetention = new OneAttemptShortRetention();
        await shortRetention.InitializeAsync();
        using var acme = await shortRetention.ApiClientAsync();
        var lost = new List<(long From, long To)>();
        var down = false;
        await using var receiver = await LibraryReceiver.StartAsync(shortRetention, acme, "Lost to retention", message =>
        {
            if (down)
                throw new InvalidOperationException("the application is down");
        }, options => options.OnLost = (from, to, _) =>
        {
            lost.Add((from, to));
            return Task.CompletedTask;
        });
        await PublishAsync(acme, 1);
        await Eventually.WaitAsync(() => receiver.Handled.Count, n => n == 1, what: "the first event handled");

        // Down while 2 and 3 are sent (one attempt each), and retention removes them before the next push.
        down = true;
        await PublishAsync(acme, 2, 3);
        await Eventually.WaitAsync(() => acme.GetFromJsonAsync<JsonElement[]>($"{Subscriptions}/logs/{receiver.WebhookId}"),
            l => l!.Length == 3 && l.All(x => x.GetProperty("status").GetInt32() != 0), what: "the attempts of 2 and 3 answered");
        await Task.Delay(TimeSpan.FromSeconds(3.5));
        await shortRetention.Get<WebhookAdmin.Core.Logs.LogRetention>().PurgeAsync(CancellationToken.None);
        down = false;
        await PublishAsync(acme, 4);

        await Eventually.WaitAsync(() => receiver.Handled.Count, n => n == 2, what: "the fourth event handled");
        Assert.Equal([1L, 4], receiver.Handled.Select(m => m.Sequence));
        Assert.Equal([(2L, 3L)], lost);
    }

    /// <summary>One attempt per delivery, and logs older than 3 s may be purged.</summary>
    private sealed class OneAttemptShortRetention : TestApp, IAsyncDisposable
    {
        protected override IEnumerable<string> ExtraArguments => ["--Webhooks:Delivery:MaxAttempts=1", "--Webhooks:Logs:Retention=00:00:03"];

        ValueTask IAsyncDisposable.DisposeAsync() => new(DisposeAsync());
    }

    [Fact]
    public async Task A_forged_stale_or_unnumbered_post_is_refused_and_handed_to_nobody()
    {
        using var acme = await app.ApiClientAsync();
        await using var receiver = await LibraryReceiver.StartAsync(app, acme, "Guarded");
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        const string Body = """{"type":"COTUser","event":"edit","data":{"n":1}}""";

        var forged = await receiver.PostAsync(Body, "msg_1", now, "v1,bm90IGEgc2lnbmF0dXJl", "1");
        var stale = await receiver.PostAsync(Body, "msg_1", now - 600, Sign(receiver.Secret, "msg_1", now - 600, Body), "1");
        var unnumbered = await receiver.PostAsync(Body, "msg_1", now, Sign(receiver.Secret, "msg_1", now, Body), null);
        var genuine = await receiver.PostAsync(Body, "msg_1", now, Sign(receiver.Secret, "msg_1", now, Body), "1");
        var again = await receiver.PostAsync(Body, "msg_1", now, Sign(receiver.Secret, "msg_1", now, Body), "1");

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.BadRequest, HttpStatusCode.NoContent, HttpStatusCode.NoContent],
            new[] { forged, stale, unnumbered, genuine, again });
        Assert.Equal(["msg_1"], receiver.Handled.Select(m => m.Id));
    }

    private static string Sign(string secret, string id, long timestamp, string body)
    {
        var key = Convert.FromBase64String(secret["whsec_".Length..]);
        return "v1," + Convert.ToBase64String(System.Security.Cryptography.HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{id}.{timestamp}.{body}")));
    }

    private static async Task PublishAsync(HttpClient api, params int[] numbers)
    {
        foreach (var n in numbers)
        {
            using var response = await api.PostAsJsonAsync("/api/v3/webhook/events", new { type = "COTUser", @event = "edit", data = new { n } });
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }
    }

    /// <summary>An application using the library in this process, with its own webhook, secret and receiver key.</summary>
    internal sealed class LibraryReceiver : IAsyncDisposable
    {
        private readonly WebApplication _host;
        private readonly string _folder;
        private readonly ConcurrentQueue<WebhookMessage> _handled = new();

        private LibraryReceiver(WebApplication host, string folder, string webhookId, string secret, string url) =>
            (_host, _folder, WebhookId, Secret, Url) = (host, folder, webhookId, secret, url);

        public string WebhookId { get; }
        public string Secret { get; }
        public string Url { get; }
        public IReadOnlyList<WebhookMessage> Handled => _handled.ToArray();

        public static async Task<LibraryReceiver> StartAsync(
            TestApp app, HttpClient admin, string name, Action<WebhookMessage>? before = null, Action<WebhookReceiverOptions>? configure = null)
        {
            var folder = Directory.CreateTempSubdirectory("webhookadmin-receiver-").FullName;
            var port = TestApp.FreeTcpPort();
            var url = $"http://127.0.0.1:{port}/webhooks";
            var (webhookId, secret, key) = await ReceiverWebhook.CreateAsync(admin, name, url);

            var builder = ReceiverHosts.CreateBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
            builder.Services.AddWebhookReceiver(options =>
            {
                options.Secret = secret;
                options.WebhookAdmin = app.BaseAddress;
                options.WebhookId = webhookId;
                options.ReceiverKey = key;
                options.StateFile = Path.Combine(folder, "state.json");
                configure?.Invoke(options);
            });
            var host = builder.Build();
            var receiver = new LibraryReceiver(host, folder, webhookId, secret, url);
            host.MapWebhookReceiver("/webhooks", (message, _) =>
            {
                before?.Invoke(message);
                receiver._handled.Enqueue(message);
                return Task.CompletedTask;
            });
            await host.StartAsync();
            return receiver;
        }

        public async Task<HttpStatusCode> PostAsync(string body, string id, long timestamp, string signature, string? sequence)
        {
            using var client = new HttpClient();
            using var request = new HttpRequestMessage(HttpMethod.Post, Url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            request.Headers.Add("webhook-id", id);
            request.Headers.Add("webhook-timestamp", timestamp.ToString(CultureInfo.InvariantCulture));
            request.Headers.Add("webhook-signature", signature);
            if (sequence is not null)
                request.Headers.Add("webhook-sequence", sequence);
            using var response = await client.SendAsync(request);
            return response.StatusCode;
        }

        public async ValueTask DisposeAsync()
        {
            await _host.StopAsync();
            await _host.DisposeAsync();
            Directory.Delete(_folder, recursive: true);
        }
    }
}

/// <summary>A user-trigger webhook made through the API, with what its receiver needs: the signing secret and a receiver key.</summary>
internal static class ReceiverWebhook
{
    public static async Task<(string WebhookId, string Secret, string ReceiverKey)> CreateAsync(HttpClient admin, string name, string url)
    {
        const string Subscriptions = "/api/v3/webhook/subscription";
        using var created = await admin.PostAsJsonAsync(Subscriptions, new { name, url, trigger = "create-edit-delete-user" });
        created.EnsureSuccessStatusCode();
        var webhookId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("_id").GetString()!;
        var secret = (await admin.GetFromJsonAsync<JsonElement>($"{Subscriptions}/{webhookId}/secret")).GetProperty("secret").GetString()!;
        using var keyAnswer = await admin.PostAsync($"{Subscriptions}/{webhookId}/receiver-key", null);
        keyAnswer.EnsureSuccessStatusCode();
        return (webhookId, secret, (await keyAnswer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!);
    }
}
