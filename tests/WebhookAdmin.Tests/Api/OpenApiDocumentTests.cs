using System.Net;
using System.Net.Http.Json;
using System.Reflection;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;
using WebhookAdmin.Tests.Delivery.Support;
using WebhookAdmin.Tests.Support;

namespace WebhookAdmin.Tests.Api;

/// <summary>The OpenAPI document against the API itself: every endpoint in it, and every real answer as it says.</summary>
public sealed class OpenApiDocumentTests(OpenApiDocumentTests.App app) : IClassFixture<OpenApiDocumentTests.App>
{
    private const string Api = "/api/v3/webhook";

    /// <summary>One attempt per delivery, so a failed log is there to resend at once.</summary>
    public sealed class App : TestApp
    {
        protected override IEnumerable<string> ExtraArguments => ["--Webhooks:Delivery:MaxAttempts=1"];
    }

    [Fact]
    public async Task The_document_and_its_reference_page_are_served_to_anyone()
    {
        using var anonymous = app.Anonymous();

        using var document = await anonymous.GetAsync("/openapi/v1.json");
        using var reference = await anonymous.GetAsync("/api/docs");

        Assert.Equal(HttpStatusCode.OK, document.StatusCode);
        var json = await document.Content.ReadFromJsonAsync<JsonElement>();
        Assert.StartsWith("3.", json.GetProperty("openapi").GetString());
        Assert.Equal("bearer", json.GetProperty("components").GetProperty("securitySchemes").GetProperty("Bearer").GetProperty("scheme").GetString());
        Assert.Equal(HttpStatusCode.OK, reference.StatusCode);
        Assert.Contains("text/html", reference.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task The_webhook_s_rate_limit_is_documented_with_its_range_in_the_answer_and_both_request_bodies()
    {
        var document = await DocumentAsync();
        var schemas = document.GetProperty("components").GetProperty("schemas");
        var paths = document.GetProperty("paths");
        JsonElement Body(string path, string method) => paths.GetProperty(path).GetProperty(method).GetProperty("requestBody")
            .GetProperty("content").GetProperty("application/json").GetProperty("schema");
        JsonElement Resolved(JsonElement schema) =>
            schema.TryGetProperty("$ref", out var reference) ? schemas.GetProperty(reference.GetString()!.Split('/')[^1]) : schema;

        Assert.All(new[] { schemas.GetProperty("WebhookJson"), Resolved(Body($"{Api}/subscription", "post")), Resolved(Body($"{Api}/subscription/{{id}}", "patch")) }, schema =>
        {
            var rateLimit = schema.GetProperty("properties").GetProperty("rateLimit");
            Assert.Equal((1, 10_000), (rateLimit.GetProperty("minimum").GetInt32(), rateLimit.GetProperty("maximum").GetInt32()));
            Assert.Contains("per second", rateLimit.GetProperty("description").GetString());
        });
    }

    [Fact]
    public async Task The_catch_up_endpoint_alone_says_it_takes_a_receiver_key_as_well_as_the_platform_token()
    {
        var document = await DocumentAsync();
        var paths = document.GetProperty("paths");

        Assert.Equal("whrk_…", document.GetProperty("components").GetProperty("securitySchemes").GetProperty("ReceiverKey").GetProperty("bearerFormat").GetString());
        var security = paths.GetProperty($"{Api}/subscription/{{id}}/deliveries").GetProperty("get").GetProperty("security");
        Assert.Equal(["Bearer", "ReceiverKey"], security.EnumerateArray().Select(requirement => Assert.Single(requirement.EnumerateObject()).Name));
        Assert.False(paths.GetProperty($"{Api}/subscription/{{id}}/receiver-key").GetProperty("post").TryGetProperty("security", out _));
    }

    [Fact]
    public async Task The_document_links_the_event_catalogue_from_its_description_and_the_operations_that_send_events()
    {
        var document = await DocumentAsync();
        var paths = document.GetProperty("paths");

        Assert.Contains($"GET {Api}/event-types", document.GetProperty("info").GetProperty("description").GetString());
        Assert.Equal($"{Api}/event-types", document.GetProperty("externalDocs").GetProperty("url").GetString());
        Assert.All(new[] { paths.GetProperty($"{Api}/events").GetProperty("post"), paths.GetProperty($"{Api}/subscription/{{id}}/test").GetProperty("post") },
            operation => Assert.Equal($"{Api}/event-types", operation.GetProperty("externalDocs").GetProperty("url").GetString()));
        Assert.Equal("ListEventTypes", paths.GetProperty($"{Api}/event-types").GetProperty("get").GetProperty("operationId").GetString());
    }

    [Fact]
    public async Task Every_api_endpoint_is_in_the_document_with_its_answers_and_nothing_else_is()
    {
        var document = await DocumentAsync();
        var endpoints = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith($"{Api}/", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []).Select(m => $"{m} {e.RoutePattern.RawText}"))
            .ToHashSet();
        var documented = document.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(operation => (Key: $"{operation.Name.ToUpperInvariant()} {path.Name}", Operation: operation.Value)))
            .ToList();

        Assert.Equal(endpoints.Order(), documented.Select(d => d.Key).Order());
        Assert.All(documented, d =>
        {
            var answers = d.Operation.GetProperty("responses").EnumerateObject().ToArray();
            // A delete answers 204 with no body; every other call answers a documented body.
            if (d.Key.StartsWith("DELETE", StringComparison.Ordinal))
                Assert.Contains(answers, a => a.Name == "204");
            else
                Assert.Contains(answers, a => a.Name.StartsWith('2') && a.Value.TryGetProperty("content", out _));
            Assert.Contains(answers, a => a.Name == "401");
            Assert.Contains(answers, a => a.Name == "429");
            if (d.Key.StartsWith("PATCH", StringComparison.Ordinal) || d.Key.StartsWith("PUT", StringComparison.Ordinal)
                || d.Key is $"POST {Api}/subscription" or $"POST {Api}/events")
                Assert.True(d.Operation.TryGetProperty("requestBody", out _), $"{d.Key} documents no request body");
        });
    }

    /// <summary>
    /// A handler returning plain <see cref="IResult"/> declares nothing, and its answers would have to be listed by hand
    /// (and kept in step by hand). Each must return a type that declares its answers itself: <c>Results&lt;…&gt;</c> of typed results.
    /// </summary>
    [Fact]
    public void Every_api_handler_returns_typed_results_that_declare_its_answers()
    {
        var endpoints = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/v3/", StringComparison.Ordinal) == true
                && e.Metadata.GetMetadata<IExcludeFromDescriptionMetadata>() is not { ExcludeFromDescription: true })
            .ToList();

        Assert.NotEmpty(endpoints);
        Assert.All(endpoints, endpoint =>
        {
            var name = $"{string.Join(",", endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? [])} {endpoint.RoutePattern.RawText}";
            var handler = endpoint.Metadata.GetMetadata<MethodInfo>();
            Assert.True(handler is not null, $"{name}: no handler method in its metadata");
            var returned = Unwrapped(handler.ReturnType);
            Assert.True(typeof(IEndpointMetadataProvider).IsAssignableFrom(returned),
                $"{name}: {handler.Name} returns {returned.Name}, which declares none of its answers");

            var derived = new RouteEndpointBuilder(_ => Task.CompletedTask, RoutePatternFactory.Parse("/"), 0);
            typeof(OpenApiDocumentTests).GetMethod(nameof(Declared), BindingFlags.NonPublic | BindingFlags.Static)!
                .MakeGenericMethod(returned).Invoke(null, [handler, derived]);
            var derivedStatuses = derived.Metadata.OfType<IProducesResponseTypeMetadata>().Select(m => m.StatusCode).ToHashSet();
            Assert.True(derivedStatuses.Any(s => s is >= 200 and < 300), $"{name}: {returned.Name} declares no 2xx answer");
            // Today no answer is declared by hand: one only a filter or middleware gives would be the exception to explain.
            var byHand = endpoint.Metadata.OfType<IProducesResponseTypeMetadata>().Select(m => m.StatusCode).Where(s => !derivedStatuses.Contains(s)).ToList();
            Assert.True(byHand.Count == 0, $"{name}: {string.Join(", ", byHand)} declared by hand (.Produces…), not by what {handler.Name} returns");
        });
    }

    private static Type Unwrapped(Type type) =>
        type.IsGenericType && (type.GetGenericTypeDefinition() == typeof(Task<>) || type.GetGenericTypeDefinition() == typeof(ValueTask<>))
            ? type.GetGenericArguments()[0]
            : type;

    private static void Declared<T>(MethodInfo handler, EndpointBuilder builder) where T : IEndpointMetadataProvider =>
        T.PopulateMetadata(handler, builder);

    [Fact]
    public async Task Every_answer_of_every_endpoint_is_shaped_as_the_document_says()
    {
        var document = await DocumentAsync();
        var checker = new OpenApiSchemaChecker(document);
        await using var receiver = await Receiver.StartAsync(Answers.Status(500, "down"));
        using var api = await app.ApiClientAsync();
        var problems = new List<string>();

        async Task<JsonElement> CallAsync(HttpMethod method, string template, string path, HttpContent? body = null, HttpStatusCode? expect = null)
        {
            using var response = await api.SendAsync(new HttpRequestMessage(method, path) { Content = body });
            var text = await response.Content.ReadAsStringAsync();
            var status = ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (expect is { } expected)
                Assert.True(response.StatusCode == expected, $"{method} {path}: expected {(int)expected}, got {status}: {text}");
            var operation = document.GetProperty("paths").GetProperty(template).GetProperty(method.Method.ToLowerInvariant());
            if (!operation.GetProperty("responses").TryGetProperty(status, out var documented))
            {
                problems.Add($"{method} {template}: answered {status}, which the document does not list");
                return default;
            }
            var mediaType = response.Content.Headers.ContentType?.MediaType;
            if (text.Length == 0 || mediaType is null)
                return default;
            if (!documented.TryGetProperty("content", out var content) || !content.TryGetProperty(mediaType, out var media))
            {
                problems.Add($"{method} {template} {status}: answered {mediaType}, which the document does not list");
                return default;
            }
            var json = JsonDocument.Parse(text).RootElement.Clone();
            problems.AddRange(checker.Check(media.GetProperty("schema"), json, allowExtraProperties: mediaType == "application/problem+json")
                .Select(error => $"{method} {template} {status}: {error}"));
            return json;
        }

        var webhook = await CallAsync(HttpMethod.Post, $"{Api}/subscription", $"{Api}/subscription",
            JsonContent.Create(new { name = "Documented", url = receiver.Url, trigger = "create-edit-delete-task", context = new { taskGroup = Ids.Workflow }, description = "d" }), HttpStatusCode.Created);
        var id = webhook.GetProperty("_id").GetString()!;
        await CallAsync(HttpMethod.Post, $"{Api}/subscription", $"{Api}/subscription", JsonContent.Create(new { name = "", url = "ftp://x" }), HttpStatusCode.BadRequest);
        await CallAsync(HttpMethod.Post, $"{Api}/subscription", $"{Api}/subscription", new StringContent("name=x", Encoding.UTF8, "text/plain"), HttpStatusCode.UnsupportedMediaType);
        await CallAsync(HttpMethod.Get, $"{Api}/subscription", $"{Api}/subscription", expect: HttpStatusCode.OK);
        await CallAsync(HttpMethod.Get, $"{Api}/subscription/{{id}}", $"{Api}/subscription/{id}", expect: HttpStatusCode.OK);
        await CallAsync(HttpMethod.Get, $"{Api}/subscription/{{id}}", $"{Api}/subscription/62685990d918fb5557f9f992", expect: HttpStatusCode.NotFound);
        await CallAsync(HttpMethod.Get, $"{Api}/subscription/{{id}}", $"{Api}/subscription/nope", expect: HttpStatusCode.BadRequest);
        await CallAsync(HttpMethod.Patch, $"{Api}/subscription/{{id}}", $"{Api}/subscription/{id}", JsonContent.Create(new { description = "changed", rateLimit = 5, __v = 0 }), HttpStatusCode.OK);
        await CallAsync(HttpMethod.Patch, $"{Api}/subscription/{{id}}", $"{Api}/subscription/{id}", JsonContent.Create(new { rateLimit = 0 }), HttpStatusCode.BadRequest);
        await CallAsync(HttpMethod.Patch, $"{Api}/subscription/{{id}}", $"{Api}/subscription/{id}", JsonContent.Create(new { description = "stale", __v = 0 }), HttpStatusCode.Conflict);
        await CallAsync(HttpMethod.Get, $"{Api}/subscription/{{id}}/secret", $"{Api}/subscription/{id}/secret", expect: HttpStatusCode.OK);
        await CallAsync(HttpMethod.Post, $"{Api}/subscription/{{id}}/secret/rotate", $"{Api}/subscription/{id}/secret/rotate", expect: HttpStatusCode.OK);
        await CallAsync(HttpMethod.Post, $"{Api}/events", $"{Api}/events",
            JsonContent.Create(new { type = "COTTask", @event = "create", data = new { taskGroup = Ids.Workflow, n = 1 } }), HttpStatusCode.Accepted);
        await CallAsync(HttpMethod.Post, $"{Api}/events", $"{Api}/events",
            JsonContent.Create(new object[] { new { type = "COTTask", @event = "edit", data = new { taskGroup = Ids.Workflow, n = 2 } }, new { type = "COTNope", @event = "edit", data = new { } } }), HttpStatusCode.OK);
        await CallAsync(HttpMethod.Post, $"{Api}/events", $"{Api}/events", JsonContent.Create(new { type = "COTTask" }), HttpStatusCode.BadRequest);
        await CallAsync(HttpMethod.Post, $"{Api}/subscription/{{id}}/test", $"{Api}/subscription/{id}/test", expect: HttpStatusCode.Accepted);
        await Eventually.WaitAsync(() => receiver.Requests.Count, n => n >= 3, what: "three failed deliveries");
        var logs = await Eventually.WaitAsync(
            () => CallAsync(HttpMethod.Get, $"{Api}/subscription/logs/{{id}}", $"{Api}/subscription/logs/{id}", expect: HttpStatusCode.OK),
            l => l.ValueKind == JsonValueKind.Array && l.GetArrayLength() == 3 && l.EnumerateArray().All(x => x.GetProperty("status").GetInt32() == 500), what: "three failed logs");
        await CallAsync(HttpMethod.Get, $"{Api}/subscription/logs/{{id}}", $"{Api}/subscription/logs/{id}?limit=0", expect: HttpStatusCode.BadRequest);
        var failed = logs[0].GetProperty("_id").GetString();
        // The resent attempt is held at the receiver, so the second resend finds it in progress.
        var hold = new TaskCompletionSource();
        receiver.Answer = async (_, _, _) =>
        {
            await hold.Task;
            return Microsoft.AspNetCore.Http.Results.Ok();
        };
        await CallAsync(HttpMethod.Post, $"{Api}/subscription/{{id}}/logs/{{logId}}/resend", $"{Api}/subscription/{id}/logs/{failed}/resend", expect: HttpStatusCode.Accepted);
        await CallAsync(HttpMethod.Post, $"{Api}/subscription/{{id}}/logs/{{logId}}/resend", $"{Api}/subscription/{id}/logs/{failed}/resend", expect: HttpStatusCode.Conflict);
        hold.SetResult();
        await CallAsync(HttpMethod.Post, $"{Api}/subscription/{{id}}/logs/{{logId}}/resend", $"{Api}/subscription/{id}/logs/6b0b15480200000000999999/resend", expect: HttpStatusCode.NotFound);

        var recover = $"{Api}/subscription/{{id}}/recover";
        var recoveryJob = $"{Api}/subscription/{{id}}/recover/{{jobId}}";
        var job = await CallAsync(HttpMethod.Post, recover, $"{Api}/subscription/{id}/recover", JsonContent.Create(new { since = "2020-01-01T00:00:00Z" }), HttpStatusCode.Accepted);
        var jobId = job.GetProperty("id").GetString();
        await CallAsync(HttpMethod.Post, recover, $"{Api}/subscription/{id}/recover", JsonContent.Create(new { since = "soon" }), HttpStatusCode.BadRequest);
        await CallAsync(HttpMethod.Post, recover, $"{Api}/subscription/{id}/recover", new StringContent("since=2020", Encoding.UTF8, "text/plain"), HttpStatusCode.UnsupportedMediaType);
        await CallAsync(HttpMethod.Post, recover, $"{Api}/subscription/62685990d918fb5557f9f992/recover", JsonContent.Create(new { since = "2020-01-01T00:00:00Z" }), HttpStatusCode.NotFound);
        await CallAsync(HttpMethod.Get, recoveryJob, $"{Api}/subscription/{id}/recover/{jobId}", expect: HttpStatusCode.OK);
        await CallAsync(HttpMethod.Get, recoveryJob, $"{Api}/subscription/{id}/recover/6b0b15480200000000999999", expect: HttpStatusCode.NotFound);
        await CallAsync(HttpMethod.Get, recoveryJob, $"{Api}/subscription/{id}/recover/nope", expect: HttpStatusCode.BadRequest);
        await CallAsync(HttpMethod.Post, $"{recoveryJob}/cancel", $"{Api}/subscription/{id}/recover/{jobId}/cancel", expect: HttpStatusCode.OK);
        await CallAsync(HttpMethod.Post, $"{recoveryJob}/cancel", $"{Api}/subscription/{id}/recover/6b0b15480200000000999999/cancel", expect: HttpStatusCode.NotFound);

        var receiverKey = $"{Api}/subscription/{{id}}/receiver-key";
        var deliveries = $"{Api}/subscription/{{id}}/deliveries";
        await CallAsync(HttpMethod.Get, receiverKey, $"{Api}/subscription/{id}/receiver-key", expect: HttpStatusCode.NotFound);
        await CallAsync(HttpMethod.Post, receiverKey, $"{Api}/subscription/{id}/receiver-key", expect: HttpStatusCode.Created);
        await CallAsync(HttpMethod.Post, receiverKey, $"{Api}/subscription/{id}/receiver-key", expect: HttpStatusCode.Created);
        await CallAsync(HttpMethod.Get, receiverKey, $"{Api}/subscription/{id}/receiver-key", expect: HttpStatusCode.OK);
        await CallAsync(HttpMethod.Get, receiverKey, $"{Api}/subscription/nope/receiver-key", expect: HttpStatusCode.BadRequest);
        var caughtUp = await CallAsync(HttpMethod.Get, deliveries, $"{Api}/subscription/{id}/deliveries?after=1&limit=1", expect: HttpStatusCode.OK);
        Assert.Equal(2, caughtUp.GetProperty("deliveries")[0].GetProperty("sequence").GetInt32());
        await CallAsync(HttpMethod.Get, deliveries, $"{Api}/subscription/{id}/deliveries?after=-1", expect: HttpStatusCode.BadRequest);
        await CallAsync(HttpMethod.Get, deliveries, $"{Api}/subscription/62685990d918fb5557f9f992/deliveries", expect: HttpStatusCode.NotFound);
        await CallAsync(HttpMethod.Delete, receiverKey, $"{Api}/subscription/{id}/receiver-key", expect: HttpStatusCode.NoContent);
        await CallAsync(HttpMethod.Delete, receiverKey, $"{Api}/subscription/{id}/receiver-key", expect: HttpStatusCode.NotFound);

        var authentication = $"{Api}/subscription/{{id}}/authentication";
        await CallAsync(HttpMethod.Get, authentication, $"{Api}/subscription/{id}/authentication", expect: HttpStatusCode.OK);
        await CallAsync(HttpMethod.Put, authentication, $"{Api}/subscription/{id}/authentication",
            JsonContent.Create(new { kind = "bearer", token = "token-0123456789abcdef", headers = new[] { new { name = "X-Tenant", value = "acme" } } }), HttpStatusCode.OK);
        await CallAsync(HttpMethod.Put, authentication, $"{Api}/subscription/{id}/authentication", JsonContent.Create(new { kind = "basic" }), HttpStatusCode.BadRequest);
        await CallAsync(HttpMethod.Put, authentication, $"{Api}/subscription/{id}/authentication", new StringContent("kind=none", Encoding.UTF8, "text/plain"), HttpStatusCode.UnsupportedMediaType);
        await CallAsync(HttpMethod.Get, authentication, $"{Api}/subscription/62685990d918fb5557f9f992/authentication", expect: HttpStatusCode.NotFound);
        await CallAsync(HttpMethod.Delete, authentication, $"{Api}/subscription/{id}/authentication", expect: HttpStatusCode.NoContent);

        var filter = $"{Api}/subscription/{{id}}/filter";
        var filterTest = $"{Api}/subscription/{{id}}/filter/test";
        await CallAsync(HttpMethod.Get, filter, $"{Api}/subscription/{id}/filter", expect: HttpStatusCode.OK);
        await CallAsync(HttpMethod.Put, filter, $"{Api}/subscription/{id}/filter",
            JsonContent.Create(new { filter = new { or = new object[] { new { path = "data.n", op = "gte", value = 2 }, new { not = new { path = "event", op = "eq", value = "create" } } } } }), HttpStatusCode.OK);
        await CallAsync(HttpMethod.Get, filter, $"{Api}/subscription/{id}/filter", expect: HttpStatusCode.OK);
        await CallAsync(HttpMethod.Put, filter, $"{Api}/subscription/{id}/filter", JsonContent.Create(new { filter = new { path = "data.n", op = "between" } }), HttpStatusCode.BadRequest);
        await CallAsync(HttpMethod.Put, filter, $"{Api}/subscription/{id}/filter", new StringContent("n>1", Encoding.UTF8, "text/plain"), HttpStatusCode.UnsupportedMediaType);
        await CallAsync(HttpMethod.Get, filter, $"{Api}/subscription/62685990d918fb5557f9f992/filter", expect: HttpStatusCode.NotFound);
        await CallAsync(HttpMethod.Post, filterTest, $"{Api}/subscription/{id}/filter/test", expect: HttpStatusCode.OK);
        await CallAsync(HttpMethod.Post, filterTest, $"{Api}/subscription/{id}/filter/test",
            JsonContent.Create(new { filter = new { path = "data.n", op = "in", value = new[] { 1, 3 } } }), HttpStatusCode.OK);
        await CallAsync(HttpMethod.Post, filterTest, $"{Api}/subscription/{id}/filter/test", JsonContent.Create(new { filter = new { path = "n" } }), HttpStatusCode.BadRequest);
        await CallAsync(HttpMethod.Delete, filter, $"{Api}/subscription/{id}/filter", expect: HttpStatusCode.NoContent);
        await CallAsync(HttpMethod.Delete, filter, $"{Api}/subscription/62685990d918fb5557f9f992/filter", expect: HttpStatusCode.NotFound);

        await CallAsync(HttpMethod.Get, $"{Api}/event-types", $"{Api}/event-types", expect: HttpStatusCode.OK);
        await CallAsync(HttpMethod.Get, $"{Api}/event-types", $"{Api}/event-types?trigger=create-edit-delete-survey", expect: HttpStatusCode.OK);
        await CallAsync(HttpMethod.Get, $"{Api}/event-types", $"{Api}/event-types?trigger=nope", expect: HttpStatusCode.BadRequest);

        var entry = $"{Api}/directory/{{kind}}/{{id}}";
        var workflow = $"{Api}/directory/workflow/{Ids.OtherWorkflow}";
        await CallAsync(HttpMethod.Put, entry, workflow, JsonContent.Create(new { name = "Work orders" }), HttpStatusCode.Created);
        await CallAsync(HttpMethod.Put, entry, workflow, JsonContent.Create(new { name = "Work orders (EU)" }), HttpStatusCode.OK);
        await CallAsync(HttpMethod.Put, entry, workflow, JsonContent.Create(new { name = "" }), HttpStatusCode.BadRequest);
        await CallAsync(HttpMethod.Put, entry, workflow, new StringContent("name=x", Encoding.UTF8, "text/plain"), HttpStatusCode.UnsupportedMediaType);
        await CallAsync(HttpMethod.Put, entry, $"{Api}/directory/workflows/{Ids.OtherWorkflow}", JsonContent.Create(new { name = "x" }), HttpStatusCode.BadRequest);
        var found = await CallAsync(HttpMethod.Get, $"{Api}/directory/{{kind}}", $"{Api}/directory/workflow?search=orders", expect: HttpStatusCode.OK);
        Assert.Equal("Work orders (EU)", found[0].GetProperty("name").GetString());
        await CallAsync(HttpMethod.Get, $"{Api}/directory/{{kind}}", $"{Api}/directory/workflow?limit=0", expect: HttpStatusCode.BadRequest);
        await CallAsync(HttpMethod.Delete, entry, workflow, expect: HttpStatusCode.NoContent);
        await CallAsync(HttpMethod.Delete, entry, workflow, expect: HttpStatusCode.NotFound);
        await CallAsync(HttpMethod.Delete, entry, $"{Api}/directory/workflow/nope", expect: HttpStatusCode.BadRequest);

        Assert.Empty(problems);
    }

    private async Task<JsonElement> DocumentAsync()
    {
        using var anonymous = app.Anonymous();
        return (await anonymous.GetFromJsonAsync<JsonElement>("/openapi/v1.json")).Clone();
    }
}
