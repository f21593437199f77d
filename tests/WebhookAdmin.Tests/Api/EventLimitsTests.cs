using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using WebhookAdmin.Core.Events;
using WebhookAdmin.Core.Storage;
using WebhookAdmin.Tests.Support;

namespace WebhookAdmin.Tests.Api;

/// <summary>
/// An event is at most <c>Webhooks:Events:MaxBytes</c> (1 MiB by default) and a publish request at most
/// <c>Webhooks:Events:MaxBatchBytes</c>: past either, 413 naming the limit, and nothing of the request is stored.
/// </summary>
public sealed class EventLimitsTests(EventLimitsTests.SmallLimits app) : IClassFixture<EventLimitsTests.SmallLimits>
{
    private const string Events = "/api/v3/webhook/events";

    /// <summary>Small limits, so that a batch past its bound is quick to send.</summary>
    public sealed class SmallLimits : TestApp
    {
        protected override IEnumerable<string> ExtraArguments => ["--Webhooks:Events:MaxBytes=4096", "--Webhooks:Events:MaxBatchBytes=65536"];
    }

    [Fact]
    public async Task An_event_past_max_bytes_is_refused_413_naming_the_limit_and_not_stored()
    {
        using var acme = await app.ApiClientAsync();
        var before = await StoredEventsAsync();

        using var response = await acme.PostAsync(Events, Json(Event("too-big", 5000)));

        var problem = await TooLargeAsync(response, "Webhooks:Events:MaxBytes", 4096);
        Assert.Contains("4,096", problem.GetProperty("detail").GetString());
        Assert.Equal(before, await StoredEventsAsync());
    }

    [Fact]
    public async Task An_event_within_max_bytes_is_accepted()
    {
        using var acme = await app.ApiClientAsync();

        using var response = await acme.PostAsync(Events, Json(Event("fits", 3000)));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Fact]
    public async Task A_batch_holding_one_oversized_event_is_refused_whole()
    {
        using var acme = await app.ApiClientAsync();
        var before = await StoredEventsAsync();

        using var response = await acme.PostAsync(Events, Json($"[{Event("small-1", 10)},{Event("big", 5000)},{Event("small-2", 10)}]"));

        var problem = await TooLargeAsync(response, "Webhooks:Events:MaxBytes", 4096);
        Assert.Contains("[1]", problem.GetProperty("detail").GetString());
        Assert.Equal(before, await StoredEventsAsync());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_batch_past_max_batch_bytes_is_refused_413_announced_or_chunked(bool chunked)
    {
        using var acme = await app.ApiClientAsync();
        var before = await StoredEventsAsync();
        var body = "[" + string.Join(",", Enumerable.Range(0, 30).Select(i => Event($"batch-{chunked}-{i}", 3000))) + "]";
        HttpContent content = chunked ? new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(body))) : Json(body);
        content.Headers.ContentType = new("application/json");

        using var response = await acme.PostAsync(Events, content);

        await TooLargeAsync(response, "Webhooks:Events:MaxBatchBytes", 65536);
        Assert.Equal(before, await StoredEventsAsync());
    }

    [Fact]
    public async Task The_in_process_publisher_refuses_an_oversized_event_with_a_clear_exception()
    {
        var before = await StoredEventsAsync();
        var data = JsonDocument.Parse(JsonSerializer.Serialize(new { text = new string('x', 5000) })).RootElement;

        var refused = await Assert.ThrowsAsync<EventTooLargeException>(() =>
            app.Get<IEventPublisher>().PublishManyAsync(Ids.Acme, [new CotEvent("COTUser", "edit", JsonDocument.Parse("{}").RootElement), new CotEvent("COTUser", "edit", data)]));

        Assert.Equal(4096, refused.Limit);
        Assert.Contains("Webhooks:Events:MaxBytes", refused.Message);
        Assert.Equal(before, await StoredEventsAsync());
    }

    private static string Event(string id, int dataChars) =>
        JsonSerializer.Serialize(new { id, type = "COTUser", @event = "edit", data = new { text = new string('x', dataChars) } });

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static async Task<JsonElement> TooLargeAsync(HttpResponseMessage response, string setting, int limit)
    {
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((setting, limit), (problem.GetProperty("setting").GetString(), problem.GetProperty("limit").GetInt32()));
        Assert.Contains(setting, problem.GetProperty("detail").GetString());
        return problem;
    }

    private async Task<int> StoredEventsAsync()
    {
        await using var db = await app.Get<IDbContextFactory<WebhookAdminDbContext>>().CreateDbContextAsync();
        return await db.Events.CountAsync();
    }
}

/// <summary>The default bound: 1 MiB.</summary>
public sealed class DefaultEventLimitTests(TestApp app) : IClassFixture<TestApp>
{
    [Fact]
    public async Task By_default_an_event_of_more_than_one_mebibyte_is_refused_and_one_just_under_accepted()
    {
        using var acme = await app.ApiClientAsync();

        using var tooBig = await acme.PostAsJsonAsync("/api/v3/webhook/events", new { type = "COTUser", @event = "edit", data = new { text = new string('x', 1024 * 1024) } });
        using var fits = await acme.PostAsJsonAsync("/api/v3/webhook/events", new { type = "COTUser", @event = "edit", data = new { text = new string('x', 1024 * 1024 - 100) } });

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooBig.StatusCode);
        Assert.Contains("1,048,576", await tooBig.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Accepted, fits.StatusCode);
    }
}

/// <summary>The other endpoints that take a body take what they need and no more: 413 past it.</summary>
public sealed class RequestSizeLimitTests(TestApp app) : IClassFixture<TestApp>
{
    [Theory]
    [InlineData("POST", "/api/v3/webhook/subscription", 64 * 1024, false)]
    [InlineData("POST", "/api/v3/webhook/subscription", 64 * 1024, true)]
    [InlineData("PATCH", "/api/v3/webhook/subscription/625bcbdcc9a8e3a86dbf0000", 64 * 1024, false)]
    [InlineData("PUT", "/api/v3/webhook/directory/workflow/625bcbdcc9a8e3a86dbf0000", 4 * 1024, false)]
    [InlineData("PUT", "/api/v3/webhook/directory/workflow/625bcbdcc9a8e3a86dbf0000", 4 * 1024, true)]
    public async Task A_body_past_the_endpoints_limit_is_refused_413_naming_it(string method, string path, int limit, bool chunked)
    {
        using var acme = await app.ApiClientAsync();
        var body = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { name = "Big", description = new string('x', limit) }));
        HttpContent content = chunked ? new StreamContent(new MemoryStream(body)) : new ByteArrayContent(body);
        content.Headers.ContentType = new("application/json");

        using var response = await acme.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = content });

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(limit, problem.GetProperty("limit").GetInt32());
        Assert.Contains(limit.ToString("N0", System.Globalization.CultureInfo.GetCultureInfo("en-US")), problem.GetProperty("detail").GetString());
    }
}
