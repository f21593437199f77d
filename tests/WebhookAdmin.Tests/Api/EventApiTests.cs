using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using WebhookAdmin.Tests.Delivery.Support;
using WebhookAdmin.Tests.Support;

namespace WebhookAdmin.Tests.Api;

/// <summary><c>POST /api/v3/webhook/events</c>: one event, or an array of up to 1,000 answered item by item.</summary>
public sealed class EventApiTests(TestApp app) : IClassFixture<TestApp>
{
    private const string Events = "/api/v3/webhook/events";

    [Fact]
    public async Task One_event_is_answered_202_with_its_id_and_how_many_webhooks_it_goes_to()
    {
        using var acme = await app.ApiClientAsync();
        await using var receiver = await Receiver.StartAsync();
        await CreateUserWebhookAsync(acme, receiver.Url, "One event");

        using var response = await acme.PostAsJsonAsync(Events, new { type = "COTUser", @event = "edit", data = new { n = 1 } });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Matches("^[0-9a-f]{24}$", body.GetProperty("id").GetString());
        Assert.True(body.GetProperty("deliveries").GetInt32() >= 1);
        await Eventually.WaitAsync(() => receiver.Arrivals, a => a.Contains(1), what: "the delivery");
    }

    [Fact]
    public async Task An_array_is_answered_item_by_item_in_the_order_sent()
    {
        using var acme = await app.ApiClientAsync();

        using var response = await acme.PostAsync(Events, Json("""
            [
              {"id":"batch-a","type":"COTUser","event":"edit","data":{"n":1}},
              {"type":"COTOrder","event":"edit","data":{}},
              {"id":"batch-a","type":"COTUser","event":"edit","data":{"n":1}},
              {"type":"COTNote","event":"create","data":{"n":2},"extraDta":{}},
              {"type":"COTUser","event":"logout","data":{"n":3}}
            ]
            """));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(body.GetProperty("errors").GetBoolean());
        var items = body.GetProperty("items").EnumerateArray().ToArray();
        Assert.Equal(["accepted", "invalid", "repeated", "invalid", "accepted"], items.Select(i => i.GetProperty("result").GetString()));
        Assert.Equal(items[0].GetProperty("id").GetString(), items[2].GetProperty("id").GetString());
        Assert.NotEqual(items[0].GetProperty("id").GetString(), items[4].GetProperty("id").GetString());
        Assert.Equal(["type"], items[1].GetProperty("errors").EnumerateObject().Select(e => e.Name));
        Assert.Equal(["extraDta"], items[3].GetProperty("errors").EnumerateObject().Select(e => e.Name));
        Assert.False(items[1].TryGetProperty("id", out _));
    }

    [Fact]
    public async Task Events_of_an_array_are_delivered_in_the_order_sent()
    {
        using var acme = await app.ApiClientAsync();
        await using var receiver = await Receiver.StartAsync();
        await CreateUserWebhookAsync(acme, receiver.Url, "Ordered batch");

        using var response = await acme.PostAsJsonAsync(Events,
            Enumerable.Range(1, 300).Select(n => new { type = "COTUser", @event = "edit", data = new { n } }));
        response.EnsureSuccessStatusCode();

        await Eventually.WaitAsync(() => receiver.Arrivals, a => a.Count == 300, what: "300 deliveries");
        Assert.Equal(Enumerable.Range(1, 300), receiver.Arrivals);
    }

    [Theory]
    [InlineData("[]", "The array is empty: send at least one event.")]
    [InlineData("\"COTUser\"", "Send one event as a JSON object, or up to 1,000 as a JSON array.")]
    [InlineData("[{\"type\":", "The body is not valid JSON.")]
    public async Task A_body_that_is_not_an_event_or_a_list_of_them_is_refused_as_a_whole(string body, string message)
    {
        using var acme = await app.ApiClientAsync();

        using var response = await acme.PostAsync(Events, Json(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(message, problem.GetProperty("errors").GetProperty("body")[0].GetString());
    }

    [Fact]
    public async Task More_than_1000_events_in_one_request_are_refused_and_none_is_stored()
    {
        using var acme = await app.ApiClientAsync();
        var marker = $"too-many-{Guid.NewGuid():N}";

        using var response = await acme.PostAsJsonAsync(Events,
            Enumerable.Range(0, 1001).Select(n => new { id = $"{marker}-{n}", type = "COTUser", @event = "edit", data = new { n } }));
        using var again = await acme.PostAsJsonAsync(Events, new { id = $"{marker}-0", type = "COTUser", @event = "edit", data = new { n = 0 } });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("1,001", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("body")[0].GetString());
        // Nothing of the refused request was stored: its first caller id is new.
        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
    }

    [Theory]
    [InlineData("""{"id":"a\u0000b","type":"COTUser","event":"edit","data":{"n":1}}""", "id")]
    [InlineData("""{"id":"tab\there","type":"COTUser","event":"edit","data":{"n":1}}""", "id")]
    [InlineData("""{"type":"COTUser\u0000","event":"edit","data":{"n":1}}""", "type")]
    [InlineData("""{"type":"COTUser","event":"edit\u0000","data":{"n":1}}""", "event")]
    public async Task An_event_whose_id_type_or_event_holds_a_control_character_is_refused_naming_the_field(string body, string field)
    {
        using var acme = await app.ApiClientAsync();

        using var single = await acme.PostAsync(Events, Json(body)).WaitAsync(TimeSpan.FromSeconds(10));
        await WebhookApiTests.AssertFieldErrorAsync(single, field);

        using var batch = await acme.PostAsync(Events, Json($"[{body}, {SecondEvent}]")).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(HttpStatusCode.OK, batch.StatusCode);
        var items = (await batch.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items").EnumerateArray().ToArray();
        Assert.Equal(["invalid", "accepted"], items.Select(i => i.GetProperty("result").GetString()));
        Assert.Equal([field], items[0].GetProperty("errors").EnumerateObject().Select(e => e.Name));
    }

    [Fact]
    public async Task Data_holding_an_escaped_nul_is_stored_and_delivered_byte_for_byte_as_sent()
    {
        using var acme = await app.ApiClientAsync();
        await using var receiver = await Receiver.StartAsync();
        await CreateUserWebhookAsync(acme, receiver.Url, "Escaped NUL");
        const string data = """{"n":41,"note":"before\u0000after","nested":{"k":"\u0000"}}""";

        using var response = await acme.PostAsync(Events, Json("""{"type":"COTUser","event":"edit","data":""" + data + "}"));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var delivered = await Eventually.WaitAsync(() => receiver.Requests, r => r.Any(x => x.N == 41), what: "the delivery");
        Assert.Contains("\"data\":" + data, delivered.Single(x => x.N == 41).Body, StringComparison.Ordinal);
        Assert.Equal("before\0after", delivered.Single(x => x.N == 41).Event.GetProperty("data").GetProperty("note").GetString());
    }

    private const string SecondEvent = """{"type":"COTUser","event":"edit","data":{"n":2}}""";

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static async Task CreateUserWebhookAsync(HttpClient api, string url, string name)
    {
        using var response = await api.PostAsJsonAsync("/api/v3/webhook/subscription", new { name, url, trigger = "create-edit-delete-user" });
        response.EnsureSuccessStatusCode();
    }
}
