using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using WebhookAdmin.Core.Webhooks;
using WebhookAdmin.Tests.Catalogue;
using WebhookAdmin.Tests.Support;

namespace WebhookAdmin.Tests.Api;

/// <summary><c>GET /api/v3/webhook/event-types</c>: the event catalogue for receivers' developers.</summary>
public sealed class EventTypesApiTests(TestApp app) : IClassFixture<TestApp>
{
    private const string EventTypes = "/api/v3/webhook/event-types";

    [Fact]
    public async Task The_catalogue_needs_an_admin_s_token_like_every_webhook_endpoint()
    {
        using var anonymous = app.Anonymous();

        using var response = await anonymous.GetAsync(EventTypes);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Every_trigger_is_listed_with_examples_that_its_own_schemas_accept()
    {
        using var acme = await app.ApiClientAsync();

        var items = await acme.GetFromJsonAsync<JsonElement[]>(EventTypes);

        Assert.Equal(WebhookTrigger.All.Select(t => t.Value).Order(), items!.Select(i => i.GetProperty("trigger").GetString()).Distinct().Order());
        Assert.Equal(20, items!.Length); // 16 of the platform's records, 4 operational events
        Assert.All(items, item =>
        {
            Assert.Empty(BodySchema.Errors(item.GetProperty("schema"), item.GetProperty("example")));
            Assert.Contains(item.GetProperty("source").GetString(), new[] { "documented", "written" });
            Assert.Equal(item.GetProperty("event").GetString(), item.GetProperty("example").GetProperty("event").GetString());
        });
        var documented = Assert.Single(items, i => i.GetProperty("source").GetString() == "documented");
        Assert.Equal(("create-edit-delete-task", "create"), (documented.GetProperty("trigger").GetString(), documented.GetProperty("event").GetString()));
    }

    [Fact]
    public async Task A_trigger_narrows_the_list_and_an_unknown_one_is_a_problem_naming_trigger()
    {
        using var acme = await app.ApiClientAsync();

        var logout = await acme.GetFromJsonAsync<JsonElement[]>($"{EventTypes}?trigger=logout-user");
        using var unknown = await acme.GetAsync($"{EventTypes}?trigger=create-edit-delete-nothing");

        var only = Assert.Single(logout!);
        Assert.Equal(("logout-user", "COTUser", "logout"), (only.GetProperty("trigger").GetString(), only.GetProperty("type").GetString(), only.GetProperty("event").GetString()));
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
        var problem = await unknown.Content.ReadFromJsonAsync<JsonElement>();
        Assert.StartsWith("Trigger must be one of:", problem.GetProperty("errors").GetProperty("trigger")[0].GetString());
    }

    [Fact]
    public async Task Descriptions_follow_accept_language_and_schemas_stay_english()
    {
        using var acme = await app.ApiClientAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{EventTypes}?trigger=create-edit-delete-note");
        request.Headers.AcceptLanguage.ParseAdd("es-CL");

        using var response = await acme.SendAsync(request);
        var items = await response.Content.ReadFromJsonAsync<JsonElement[]>();

        var created = items!.Single(i => i.GetProperty("event").GetString() == "create");
        Assert.Equal("Se escribió una nota.", created.GetProperty("description").GetString());
        Assert.Equal("A note was written.", created.GetProperty("schema").GetProperty("description").GetString());
    }
}
