using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using WebhookAdmin.Tests.Support;

namespace WebhookAdmin.Tests.Api;

public sealed class WebhookApiTests(TestApp app) : IClassFixture<TestApp>
{
    private const string Subscriptions = "/api/v3/webhook/subscription";

    [Fact]
    public async Task Every_endpoint_needs_a_bearer_token()
    {
        using var anonymous = app.Anonymous();

        foreach (var (method, path) in new[] { ("GET", Subscriptions), ("GET", $"{Subscriptions}/62685990d918fb5557f9f992"), ("GET", $"{Subscriptions}/logs/62685990d918fb5557f9f992"), ("POST", Subscriptions), ("PATCH", $"{Subscriptions}/62685990d918fb5557f9f992"), ("GET", $"{Subscriptions}/62685990d918fb5557f9f992/secret"), ("POST", $"{Subscriptions}/62685990d918fb5557f9f992/secret/rotate"), ("POST", "/api/v3/webhook/events"), ("POST", $"{Subscriptions}/62685990d918fb5557f9f992/test"), ("POST", $"{Subscriptions}/62685990d918fb5557f9f992/logs/6b0b15480200000000000001/resend") })
        {
            using var response = await anonymous.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = JsonContent.Create(new { }) });
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    [Fact]
    public async Task Publishing_an_event_that_is_not_json_is_415_not_a_misleading_404()
    {
        using var acme = await app.ApiClientAsync();

        using var response = await acme.PostAsync("/api/v3/webhook/events", new StringContent("type=COTUser", Encoding.UTF8, "text/plain"));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_forged_or_garbled_token_is_refused()
    {
        using var client = app.Anonymous();
        client.DefaultRequestHeaders.Authorization = new("Bearer", "eyJhbGciOiJub25lIn0.eyJjb21wYW55IjoiNjI1YmNiZGNjOWE4ZTNhODZkYmYwNDFjIiwicm9sZSI6ImFkbWluIn0.");

        using var response = await client.GetAsync(Subscriptions);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Created_webhook_has_the_documented_COTWebhook_shape()
    {
        using var acme = await app.ApiClientAsync();

        using var created = await acme.PostAsJsonAsync(Subscriptions, new
        {
            name = "Work Orders Update",
            url = "https://www.server.com",
            trigger = "create-edit-delete-task",
            context = new { taskGroup = Ids.Workflow },
            description = "Sends updates on Work Orders",
        });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var json = await created.Content.ReadFromJsonAsync<JsonElement>();
        // The documented fields in the documented order, then the one added field: the throttle, null when unset.
        Assert.Equal(["_id", "company", "isActive", "trigger", "url", "name", "code", "context", "__v", "description", "rateLimit"],
            json.EnumerateObject().Select(p => p.Name));
        Assert.Equal(JsonValueKind.Null, json.GetProperty("rateLimit").ValueKind);
        Assert.Equal(["survey", "group", "taskGroup"], json.GetProperty("context").EnumerateObject().Select(p => p.Name));
        Assert.Matches("^[0-9a-f]{24}$", json.GetProperty("_id").GetString());
        Assert.Equal(Ids.Acme, json.GetProperty("company").GetString());
        Assert.StartsWith("work_orders_update", json.GetProperty("code").GetString());
        Assert.Equal("", json.GetProperty("context").GetProperty("survey").GetString());
        Assert.Equal(Ids.Workflow, json.GetProperty("context").GetProperty("taskGroup").GetString());
        Assert.Equal(0, json.GetProperty("__v").GetInt32());
        Assert.DoesNotContain("secret", json.GetRawText(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal($"{Subscriptions}/{json.GetProperty("_id").GetString()}", created.Headers.Location?.OriginalString);

        var fetched = await acme.GetFromJsonAsync<JsonElement>(created.Headers.Location);
        Assert.Equal(json.GetRawText(), fetched.GetRawText());
    }

    [Fact]
    public async Task List_holds_only_the_callers_company()
    {
        using var acme = await app.ApiClientAsync();
        using var globex = await app.ApiClientAsync("globex-platform", "globex-platform-secret");
        var acmeId = await CreateAsync(acme, "Acme only");
        var globexId = await CreateAsync(globex, "Globex only");

        var acmeList = await acme.GetFromJsonAsync<JsonElement[]>(Subscriptions);
        var globexList = await globex.GetFromJsonAsync<JsonElement[]>(Subscriptions);

        Assert.Contains(acmeList!, w => w.GetProperty("_id").GetString() == acmeId);
        Assert.DoesNotContain(acmeList!, w => w.GetProperty("_id").GetString() == globexId);
        Assert.All(globexList!, w => Assert.Equal(Ids.Globex, w.GetProperty("company").GetString()));
    }

    [Fact]
    public async Task Another_companys_webhook_is_not_found_for_read_update_or_logs()
    {
        using var acme = await app.ApiClientAsync();
        using var globex = await app.ApiClientAsync("globex-platform", "globex-platform-secret");
        var acmeId = await CreateAsync(acme, "Private to Acme");

        using var read = await globex.GetAsync($"{Subscriptions}/{acmeId}");
        using var update = await globex.PatchAsJsonAsync($"{Subscriptions}/{acmeId}", new { name = "Hijacked" });
        using var logs = await globex.GetAsync($"{Subscriptions}/logs/{acmeId}");

        Assert.Equal([HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound], new[] { read.StatusCode, update.StatusCode, logs.StatusCode });
        Assert.Equal("application/problem+json", read.Content.Headers.ContentType?.MediaType);
        var stored = await acme.GetFromJsonAsync<JsonElement>($"{Subscriptions}/{acmeId}");
        Assert.Equal("Private to Acme", stored.GetProperty("name").GetString());
    }

    [Theory]
    [InlineData("not-an-objectid")]
    [InlineData("62685990d918fb5557f9f99")]
    [InlineData("62685990d918fb5557f9f99z")]
    public async Task Malformed_id_is_a_bad_request_naming_the_id(string id)
    {
        using var acme = await app.ApiClientAsync();

        using var response = await acme.GetAsync($"{Subscriptions}/{id}");

        await AssertFieldErrorAsync(response, "id");
    }

    [Theory]
    [InlineData("""{"name":"x","url":"https://a.example","trigger":"create-edit-delete-user","isActive":"yes"}""", "isActive")]
    [InlineData("""{"name":"x","url":"https://a.example","trigger":"create-edit-delete-task","context":{"taskGroup":42}}""", "context.taskGroup")]
    [InlineData("""{"name":"x","url":"https://a.example","trigger":"create-edit-delete-user","taskgroup":"typo"}""", "taskgroup")]
    [InlineData("""{"name":"x",""", "body")]
    [InlineData("""[]""", "body")]
    [InlineData("""{"name":"","url":"ftp://a.example","trigger":"create-edit-delete-user"}""", "url")]
    [InlineData("""{"name":"x","url":"https://a.example","trigger":"create-edit-delete-survey","context":{"survey":"6261612a8f1e99e93f5c8d03"}}""", "context.group")]
    [InlineData("""{"name":"x","url":"https://a.example","trigger":"create-edit-delete-user","code":"Not Valid"}""", "code")]
    public async Task Malformed_or_invalid_body_is_a_bad_request_naming_the_field(string body, string field)
    {
        using var acme = await app.ApiClientAsync();
        var before = (await acme.GetFromJsonAsync<JsonElement[]>(Subscriptions))!.Length;

        using var response = await acme.PostAsync(Subscriptions, new StringContent(body, Encoding.UTF8, "application/json"));

        await AssertFieldErrorAsync(response, field);
        Assert.Equal(before, (await acme.GetFromJsonAsync<JsonElement[]>(Subscriptions))!.Length);
    }

    [Theory]
    [InlineData("""{"name":"nul\u0000name","url":"https://a.example","trigger":"create-edit-delete-user"}""", "name")]
    [InlineData("""{"name":"two\nlines","url":"https://a.example","trigger":"create-edit-delete-user"}""", "name")]
    [InlineData("""{"name":"x","url":"https://a.example","trigger":"create-edit-delete-user","description":"nul\u0000"}""", "description")]
    [InlineData("""{"name":"x","url":"https://a.example","trigger":"create-edit-delete-user","description":"bell\u0007"}""", "description")]
    [InlineData("""{"name":"x","url":"https://a.example/\u0000","trigger":"create-edit-delete-user"}""", "url")]
    [InlineData("""{"name":"x","url":"https://a.example/\t/x","trigger":"create-edit-delete-user"}""", "url")]
    [InlineData("""{"name":"x","url":"https://a.example","trigger":"create-edit-delete-user","code":"a\u0000"}""", "code")]
    public async Task Text_with_a_nul_or_control_character_is_refused_naming_the_field_on_create_and_patch(string body, string field)
    {
        using var acme = await app.ApiClientAsync();
        var id = await CreateAsync(acme, "Control characters");

        using var created = await acme.PostAsync(Subscriptions, new StringContent(body, Encoding.UTF8, "application/json"));
        await AssertFieldErrorAsync(created, field);

        if (field == "code")
            return; // a saved webhook's code never changes: PATCH refuses any other code as such
        using var patched = await acme.PatchAsync($"{Subscriptions}/{id}", new StringContent(body, Encoding.UTF8, "application/json"));
        await AssertFieldErrorAsync(patched, field);
    }

    [Fact]
    public async Task A_description_may_span_several_lines_with_tabs()
    {
        using var acme = await app.ApiClientAsync();

        using var response = await acme.PostAsJsonAsync(Subscriptions,
            new { name = "Multi-line", url = "https://a.example", trigger = "create-edit-delete-user", description = "first line\r\n\tsecond line" });

        response.EnsureSuccessStatusCode();
        Assert.Equal("first line\r\n\tsecond line", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("description").GetString());
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_unsupported_media_type()
    {
        using var acme = await app.ApiClientAsync();

        using var response = await acme.PostAsync(Subscriptions, new StringContent("name=x", Encoding.UTF8, "application/x-www-form-urlencoded"));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    [Fact]
    public async Task Unknown_api_paths_answer_as_an_api_never_with_a_sign_in_redirect()
    {
        using var anonymous = app.Anonymous();
        using var acme = await app.ApiClientAsync();

        using var withoutToken = await anonymous.GetAsync("/api/v3/webhook/nothing-here");
        using var withToken = await acme.PostAsync("/api/v3/nothing", new StringContent("x"));

        Assert.Equal(HttpStatusCode.Unauthorized, withoutToken.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, withToken.StatusCode);
        Assert.Equal("application/problem+json", withToken.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Patch_changes_only_the_fields_sent_and_bumps_the_version()
    {
        using var acme = await app.ApiClientAsync();
        var id = await CreateAsync(acme, "Patch me");

        using var response = await acme.PatchAsJsonAsync($"{Subscriptions}/{id}", new { url = "https://new.example/hook", isActive = false, __v = 0 });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(("Patch me", "https://new.example/hook", false, 1),
            (json.GetProperty("name").GetString(), json.GetProperty("url").GetString(), json.GetProperty("isActive").GetBoolean(), json.GetProperty("__v").GetInt32()));
    }

    [Fact]
    public async Task A_GET_response_can_be_sent_back_as_a_patch()
    {
        using var acme = await app.ApiClientAsync();
        var id = await CreateAsync(acme, "Round trip");
        var current = await acme.GetFromJsonAsync<JsonElement>($"{Subscriptions}/{id}");

        using var response = await acme.PatchAsync($"{Subscriptions}/{id}", new StringContent(current.GetRawText(), Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Stale_version_is_a_conflict_that_returns_the_stored_webhook()
    {
        using var acme = await app.ApiClientAsync();
        var id = await CreateAsync(acme, "Contested");
        (await acme.PatchAsJsonAsync($"{Subscriptions}/{id}", new { name = "First", __v = 0 })).EnsureSuccessStatusCode();

        using var response = await acme.PatchAsJsonAsync($"{Subscriptions}/{id}", new { name = "Second", __v = 0 });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("First", problem.GetProperty("current").GetProperty("name").GetString());
        Assert.Equal(1, problem.GetProperty("current").GetProperty("__v").GetInt32());
    }

    [Fact]
    public async Task A_rate_limit_is_set_on_create_changed_kept_when_not_sent_and_cleared_with_null()
    {
        using var acme = await app.ApiClientAsync();
        using var created = await acme.PostAsJsonAsync(Subscriptions, new { name = "Throttled", url = "https://receiver.example/hook", trigger = "create-edit-delete-user", rateLimit = 5 });
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("_id").GetString()!;

        var afterCreate = await RateLimitAsync(acme, id);
        var changed = await PatchRateLimitAsync(acme, id, """{ "rateLimit": 10000 }""");
        var notSent = await PatchRateLimitAsync(acme, id, """{ "description": "busy receiver" }""");
        var cleared = await PatchRateLimitAsync(acme, id, """{ "rateLimit": null }""");

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal([5, 10000, 10000, null], new int?[] { afterCreate, changed, notSent, cleared });
        Assert.Null(await RateLimitAsync(acme, id));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("10001")]
    [InlineData("-5")]
    [InlineData("2.5")]
    [InlineData("\"fast\"")]
    public async Task A_rate_limit_out_of_range_or_not_a_whole_number_is_a_problem_naming_it(string value)
    {
        using var acme = await app.ApiClientAsync();
        var id = await CreateAsync(acme, "Bad throttle " + value.Length);

        using var created = await acme.PostAsync(Subscriptions, Json($$"""{ "name": "Bad throttle", "url": "https://receiver.example/hook", "trigger": "create-edit-delete-user", "rateLimit": {{value}} }"""));
        using var patched = await acme.PatchAsync($"{Subscriptions}/{id}", Json($$"""{ "rateLimit": {{value}} }"""));

        await AssertFieldErrorAsync(created, "rateLimit");
        await AssertFieldErrorAsync(patched, "rateLimit");
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<int?> PatchRateLimitAsync(HttpClient client, string id, string body)
    {
        using var response = await client.PatchAsync($"{Subscriptions}/{id}", Json(body));
        response.EnsureSuccessStatusCode();
        return ReadRateLimit(await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    private static async Task<int?> RateLimitAsync(HttpClient client, string id) =>
        ReadRateLimit(await client.GetFromJsonAsync<JsonElement>($"{Subscriptions}/{id}"));

    private static int? ReadRateLimit(JsonElement webhook) =>
        webhook.GetProperty("rateLimit") is { ValueKind: JsonValueKind.Number } limit ? limit.GetInt32() : null;

    [Fact]
    public async Task Code_cannot_be_changed_through_the_api()
    {
        using var acme = await app.ApiClientAsync();
        var id = await CreateAsync(acme, "Frozen code");

        using var response = await acme.PatchAsJsonAsync($"{Subscriptions}/{id}", new { code = "something_else" });

        await AssertFieldErrorAsync(response, "code");
    }

    internal static async Task<string> CreateAsync(HttpClient client, string name, string trigger = "create-edit-delete-user")
    {
        using var response = await client.PostAsJsonAsync(Subscriptions, new { name, url = "https://receiver.example/hook", trigger });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("_id").GetString()!;
    }

    internal static async Task AssertFieldErrorAsync(HttpResponseMessage response, string field)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"Expected 400, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = JsonDocument.Parse(body).RootElement.GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out _), $"Expected an error for '{field}' in {errors}");
    }
}
