using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using WebhookAdmin.Tests.Api;
using WebhookAdmin.Tests.Support;

namespace WebhookAdmin.Tests.ContextDirectory;

/// <summary>The host platform keeps a company's workflow, survey and group names current through <c>/api/v3/webhook/directory</c>.</summary>
public sealed class DirectoryApiTests(TestApp app) : IClassFixture<TestApp>
{
    private const string Directory = "/api/v3/webhook/directory";

    [Fact]
    public async Task Put_creates_with_201_renames_with_200_and_search_finds_the_entry_by_name_or_id()
    {
        using var acme = await app.ApiClientAsync();
        var id = NewId();

        using var created = await acme.PutAsJsonAsync($"{Directory}/workflow/{id.ToUpperInvariant()}", new { name = "  Work orders  " });
        using var renamed = await acme.PutAsJsonAsync($"{Directory}/workflow/{id}", new { name = "Work orders (EU)" });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal($"{Directory}/workflow/{id}", created.Headers.Location?.OriginalString);
        var first = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(["_id", "kind", "name", "modifiedAt"], first.EnumerateObject().Select(p => p.Name));
        Assert.Equal((id, "workflow", "Work orders"), (first.GetProperty("_id").GetString(), first.GetProperty("kind").GetString(), first.GetProperty("name").GetString()));
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$", first.GetProperty("modifiedAt").GetString());
        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
        Assert.Equal("Work orders (EU)", (await renamed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("name").GetString());

        Assert.Equal(["Work orders (EU)"], await NamesAsync(acme, "workflow", "ORDERS (eu"));
        Assert.Equal(["Work orders (EU)"], await NamesAsync(acme, "workflow", id[..10]));
        Assert.Empty(await NamesAsync(acme, "survey", "orders"));
    }

    [Fact]
    public async Task Search_answers_in_name_order_a_page_at_a_time()
    {
        using var acme = await app.ApiClientAsync();
        var tag = Guid.NewGuid().ToString("N")[..8];
        foreach (var name in new[] { "Charlie", "alpha", "Bravo" })
            (await acme.PutAsJsonAsync($"{Directory}/group/{NewId()}", new { name = $"{tag} {name}" })).EnsureSuccessStatusCode();

        var firstPage = await NamesAsync(acme, "group", tag, "&limit=2");
        var secondPage = await NamesAsync(acme, "group", tag, "&limit=2&page=2");

        Assert.Equal([$"{tag} alpha", $"{tag} Bravo"], firstPage);
        Assert.Equal([$"{tag} Charlie"], secondPage);
    }

    [Fact]
    public async Task Delete_answers_204_then_404_for_an_entry_it_no_longer_has()
    {
        using var acme = await app.ApiClientAsync();
        var id = NewId();
        (await acme.PutAsJsonAsync($"{Directory}/survey/{id}", new { name = "Site inspection" })).EnsureSuccessStatusCode();

        using var deleted = await acme.DeleteAsync($"{Directory}/survey/{id}");
        using var again = await acme.DeleteAsync($"{Directory}/survey/{id}");

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.Equal("application/problem+json", again.Content.Headers.ContentType?.MediaType);
        Assert.Empty(await NamesAsync(acme, "survey", id));
    }

    [Fact]
    public async Task A_company_never_sees_renames_or_deletes_another_companys_directory()
    {
        using var acme = await app.ApiClientAsync();
        using var globex = await app.ApiClientAsync("globex-platform", "globex-platform-secret");
        var id = NewId();
        (await acme.PutAsJsonAsync($"{Directory}/workflow/{id}", new { name = "Acme secret workflow" })).EnsureSuccessStatusCode();

        var seen = await NamesAsync(globex, "workflow", "secret workflow");
        using var delete = await globex.DeleteAsync($"{Directory}/workflow/{id}");
        using var put = await globex.PutAsJsonAsync($"{Directory}/workflow/{id}", new { name = "Globex's own" });

        Assert.Empty(seen);
        Assert.Equal(HttpStatusCode.NotFound, delete.StatusCode);
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.Equal(["Acme secret workflow"], await NamesAsync(acme, "workflow", id));
    }

    [Fact]
    public async Task Every_directory_endpoint_needs_a_bearer_token()
    {
        using var anonymous = app.Anonymous();
        var id = NewId();

        foreach (var request in new[]
                 {
                     new HttpRequestMessage(HttpMethod.Put, $"{Directory}/workflow/{id}") { Content = JsonContent.Create(new { name = "x" }) },
                     new HttpRequestMessage(HttpMethod.Delete, $"{Directory}/workflow/{id}"),
                     new HttpRequestMessage(HttpMethod.Get, $"{Directory}/workflow"),
                 })
        {
            using var response = await anonymous.SendAsync(request);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
    }

    [Theory]
    [InlineData("PUT", "workflows", "kind")]
    [InlineData("DELETE", "task", "kind")]
    [InlineData("GET", "Workflow", "kind")]
    public async Task An_unknown_kind_is_a_bad_request_naming_kind(string method, string kind, string field)
    {
        using var acme = await app.ApiClientAsync();
        var path = method == "GET" ? $"{Directory}/{kind}" : $"{Directory}/{kind}/{NewId()}";

        using var response = await acme.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = method == "PUT" ? JsonContent.Create(new { name = "x" }) : null });

        await WebhookApiTests.AssertFieldErrorAsync(response, field);
    }

    [Theory]
    [InlineData("not-an-objectid", """{"name":"Work orders"}""", "id")]
    [InlineData("6261612a8f1e99002e5c8cc", """{"name":"Work orders"}""", "id")]
    [InlineData(null, """{"name":""}""", "name")]
    [InlineData(null, """{}""", "name")]
    [InlineData(null, """{"name":"two\nlines"}""", "name")]
    [InlineData(null, """{"name":42}""", "name")]
    [InlineData(null, """{"name":"Work orders","title":"typo"}""", "title")]
    [InlineData(null, """{"name":"Work orders",""", "body")]
    public async Task Bad_input_is_a_bad_request_naming_the_field_and_stores_nothing(string? id, string body, string field)
    {
        using var acme = await app.ApiClientAsync();
        id ??= NewId();

        using var response = await acme.PutAsync($"{Directory}/workflow/{id}", new StringContent(body, Encoding.UTF8, "application/json"));

        await WebhookApiTests.AssertFieldErrorAsync(response, field);
        if (Core.ObjectId.IsValid(id))
            Assert.Empty(await NamesAsync(acme, "workflow", id));
    }

    [Fact]
    public async Task A_name_longer_than_200_characters_is_refused()
    {
        using var acme = await app.ApiClientAsync();

        using var response = await acme.PutAsJsonAsync($"{Directory}/group/{NewId()}", new { name = new string('g', 201) });

        await WebhookApiTests.AssertFieldErrorAsync(response, "name");
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_unsupported_media_type()
    {
        using var acme = await app.ApiClientAsync();

        using var response = await acme.PutAsync($"{Directory}/group/{NewId()}", new StringContent("name=x", Encoding.UTF8, "text/plain"));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("101")]
    public async Task A_limit_outside_1_to_100_is_a_bad_request_naming_limit(string limit)
    {
        using var acme = await app.ApiClientAsync();

        using var response = await acme.GetAsync($"{Directory}/workflow?limit={limit}");

        await WebhookApiTests.AssertFieldErrorAsync(response, "limit");
    }

    [Fact]
    public async Task Problems_are_english_by_default_and_spanish_for_accept_language_es_under_the_same_keys()
    {
        using var acme = await app.ApiClientAsync();

        var english = await ProblemAsync(acme, $"{Directory}/workflow/{NewId()}", """{"name":" "}""", null);
        var spanish = await ProblemAsync(acme, $"{Directory}/workflow/{NewId()}", """{"name":" "}""", "es-CL");
        var spanishKind = await ProblemAsync(acme, $"{Directory}/flujo/{NewId()}", """{"name":"x"}""", "es");
        using var notFound = new HttpRequestMessage(HttpMethod.Delete, $"{Directory}/group/{NewId()}");
        notFound.Headers.AcceptLanguage.ParseAdd("es");
        using var notFoundAnswer = await acme.SendAsync(notFound);

        Assert.Equal("Name is required.", Error(english, "name"));
        Assert.Equal("El nombre es obligatorio.", Error(spanish, "name"));
        Assert.Equal("kind debe ser uno de estos: workflow, survey, group.", Error(spanishKind, "kind"));
        Assert.Equal("Entrada del directorio no encontrada", (await notFoundAnswer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString());
    }

    [Theory]
    [InlineData("%00")]
    [InlineData("a%00b")]
    [InlineData("tab%09")]
    public async Task A_search_holding_a_control_character_is_refused_naming_search(string escaped)
    {
        using var acme = await app.ApiClientAsync();

        using var response = await acme.GetAsync($"{Directory}/workflow?search={escaped}");

        await Api.WebhookApiTests.AssertFieldErrorAsync(response, "search");
    }

    [Fact]
    public async Task A_directory_name_holding_a_nul_is_refused_naming_name()
    {
        using var acme = await app.ApiClientAsync();

        using var response = await acme.PutAsync($"{Directory}/group/{NewId()}", new StringContent("""{"name":"nul\u0000"}""", Encoding.UTF8, "application/json"));

        await Api.WebhookApiTests.AssertFieldErrorAsync(response, "name");
    }

    private static string NewId() => Core.ObjectId.NewId();

    private static async Task<List<string>> NamesAsync(HttpClient client, string kind, string search, string query = "")
    {
        var entries = await client.GetFromJsonAsync<JsonElement[]>($"{Directory}/{kind}?search={Uri.EscapeDataString(search)}{query}");
        return entries!.Select(e => e.GetProperty("name").GetString()!).ToList();
    }

    private static async Task<JsonElement> ProblemAsync(HttpClient client, string path, string body, string? language)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (language is not null)
            request.Headers.AcceptLanguage.ParseAdd(language);
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static string Error(JsonElement problem, string field) => problem.GetProperty("errors").GetProperty(field)[0].GetString()!;
}
