using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using WebhookAdmin.Tests.Delivery.Support;
using WebhookAdmin.Tests.Support;

namespace WebhookAdmin.Tests.Api;

/// <summary><c>subscription/{id}/filter</c>: stored canonical, bad input named by its place, tried on logged events, other companies kept out.</summary>
public sealed class FilterApiTests(TestApp app) : IClassFixture<TestApp>
{
    private const string Subscriptions = "/api/v3/webhook/subscription";

    [Fact]
    public async Task A_filter_is_put_read_back_canonical_and_deleted()
    {
        using var acme = await app.ApiClientAsync();
        var id = await WebhookApiTests.CreateAsync(acme, "Filtered by API");

        var none = await acme.GetFromJsonAsync<JsonElement>($"{Subscriptions}/{id}/filter");
        using var put = await acme.PutAsync($"{Subscriptions}/{id}/filter", Json("""{"filter":{"and":[{"path":"data.status","op":"IN","value":["done","closed"]},{"path":"data.closedAt","op":"exists"}]}}"""));
        var stored = await acme.GetFromJsonAsync<JsonElement>($"{Subscriptions}/{id}/filter");
        using var delete = await acme.DeleteAsync($"{Subscriptions}/{id}/filter");
        var removed = await acme.GetFromJsonAsync<JsonElement>($"{Subscriptions}/{id}/filter");

        Assert.Equal("""{"filter":null}""", none.GetRawText());
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal("""{"filter":{"and":[{"path":"data.status","op":"in","value":["done","closed"]},{"path":"data.closedAt","op":"exists","value":true}]}}""", stored.GetRawText());
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        Assert.Equal("""{"filter":null}""", removed.GetRawText());
    }

    [Theory]
    [InlineData("""{"filter":{"path":"data.n","op":"between","value":1}}""", "filter.op")]
    [InlineData("""{"filter":{"path":"n","op":"eq","value":1}}""", "filter.path")]
    [InlineData("""{"filter":{"or":[{"path":"data.n","op":"exists"},{"path":"data.m","op":"gt","value":[1]}]}}""", "filter.or[1].value")]
    [InlineData("""{"filter":{"and":[]}}""", "filter.and")]
    [InlineData("""{"filter":"data.n > 1"}""", "filter")]
    [InlineData("""{"filters":{}}""", "filters")]
    public async Task Bad_input_is_a_400_naming_the_place_and_changes_nothing(string body, string field)
    {
        using var acme = await app.ApiClientAsync();
        var id = await WebhookApiTests.CreateAsync(acme, "Guarded filter " + field);
        using (var first = await acme.PutAsync($"{Subscriptions}/{id}/filter", Json("""{"filter":{"path":"data.n","op":"gte","value":2}}""")))
            first.EnsureSuccessStatusCode();
        var before = (await acme.GetFromJsonAsync<JsonElement>($"{Subscriptions}/{id}/filter")).GetRawText();

        using var response = await acme.PutAsync($"{Subscriptions}/{id}/filter", Json(body));

        await WebhookApiTests.AssertFieldErrorAsync(response, field);
        Assert.Equal(before, (await acme.GetFromJsonAsync<JsonElement>($"{Subscriptions}/{id}/filter")).GetRawText());
    }

    [Fact]
    public async Task Another_company_s_webhook_filter_is_404_to_read_write_test_and_delete()
    {
        using var acme = await app.ApiClientAsync();
        using var globex = await app.ApiClientAsync("globex-platform", "globex-platform-secret");
        var id = await WebhookApiTests.CreateAsync(acme, "Acme's filtered");
        using (var put = await acme.PutAsync($"{Subscriptions}/{id}/filter", Json("""{"filter":{"path":"data.n","op":"gte","value":2}}""")))
            put.EnsureSuccessStatusCode();

        using var read = await globex.GetAsync($"{Subscriptions}/{id}/filter");
        using var write = await globex.PutAsync($"{Subscriptions}/{id}/filter", Json("""{"filter":null}"""));
        using var test = await globex.PostAsync($"{Subscriptions}/{id}/filter/test", Json("""{"filter":{"path":"data.n","op":"exists"}}"""));
        using var delete = await globex.DeleteAsync($"{Subscriptions}/{id}/filter");

        Assert.Equal([HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound],
            new[] { read.StatusCode, write.StatusCode, test.StatusCode, delete.StatusCode });
        var kept = await acme.GetFromJsonAsync<JsonElement>($"{Subscriptions}/{id}/filter");
        Assert.Equal("gte", kept.GetProperty("filter").GetProperty("op").GetString());
    }

    [Fact]
    public async Task Testing_marks_each_logged_event_and_a_skipped_publish_creates_no_log()
    {
        await using var receiver = await Receiver.StartAsync();
        using var acme = await app.ApiClientAsync();
        var id = await Operations.TelemetryTests.CreateAsync(acme, receiver.Url);
        foreach (var status in new[] { "open", "done", "open" })
        {
            using var published = await acme.PostAsJsonAsync("/api/v3/webhook/events", new { type = "COTUser", @event = "edit", data = new { n = 1, status } });
            published.EnsureSuccessStatusCode();
        }
        await Eventually.WaitAsync(() => acme.GetFromJsonAsync<JsonElement>($"{Subscriptions}/logs/{id}"),
            l => l.GetArrayLength() == 3 && l.EnumerateArray().All(log => log.GetProperty("status").GetInt32() == 200),
            what: "three delivered logs, so both trials below see the same states");

        using var tried = await acme.PostAsync($"{Subscriptions}/{id}/filter/test", Json("""{"filter":{"path":"data.status","op":"eq","value":"done"}}"""));
        var result = await tried.Content.ReadFromJsonAsync<JsonElement>();
        using (var put = await acme.PutAsync($"{Subscriptions}/{id}/filter", Json("""{"filter":{"path":"data.status","op":"eq","value":"done"}}""")))
            put.EnsureSuccessStatusCode();
        using var storedTry = await acme.PostAsync($"{Subscriptions}/{id}/filter/test", null);
        var stored = await storedTry.Content.ReadFromJsonAsync<JsonElement>();
        foreach (var status in new[] { "open", "done" })
        {
            using var published = await acme.PostAsJsonAsync("/api/v3/webhook/events", new { type = "COTUser", @event = "edit", data = new { n = 2, status } });
            published.EnsureSuccessStatusCode();
        }

        Assert.Equal(HttpStatusCode.OK, tried.StatusCode);
        Assert.Equal((1, 2), (result.GetProperty("sends").GetInt32(), result.GetProperty("skips").GetInt32()));
        Assert.Equal([false, true, false], result.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("wouldSend").GetBoolean()));
        Assert.Equal([3L, 2, 1], result.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("sequence").GetInt64()));
        Assert.Equal(result.GetRawText(), stored.GetRawText());
        await Eventually.WaitAsync(() => receiver.Requests.Count, n => n == 4, what: "the delivery of the event the filter lets through");
        var logs = await acme.GetFromJsonAsync<JsonElement>($"{Subscriptions}/logs/{id}");
        Assert.Equal(4, logs.GetArrayLength());
        Assert.Equal("done", receiver.Requests[^1].Event.GetProperty("data").GetProperty("status").GetString());
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");
}
