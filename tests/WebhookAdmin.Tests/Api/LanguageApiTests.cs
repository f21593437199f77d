using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using WebhookAdmin.Tests.Support;

namespace WebhookAdmin.Tests.Api;

/// <summary>Scripts match on the API's English; a client that asks with Accept-Language gets Spanish, with the same keys.</summary>
public sealed class LanguageApiTests(TestApp app) : IClassFixture<TestApp>
{
    private const string Subscriptions = "/api/v3/webhook/subscription";

    [Fact]
    public async Task Problems_stay_english_without_accept_language()
    {
        using var acme = await app.ApiClientAsync();

        var problem = await ProblemAsync(acme, Post(new { url = "ftp://x" }));

        Assert.Equal("One or more validation errors occurred.", problem.GetProperty("title").GetString());
        Assert.Equal("Name is required.", Error(problem, "name"));
        Assert.Equal("Url must be an absolute http:// or https:// address.", Error(problem, "url"));
        Assert.Equal("Trigger is required.", Error(problem, "trigger"));
    }

    [Fact]
    public async Task Accept_language_es_gives_spanish_texts_under_the_same_field_keys()
    {
        using var acme = await app.ApiClientAsync();

        var english = await ProblemAsync(acme, Post(new { url = "ftp://x" }));
        var spanish = await ProblemAsync(acme, Post(new { url = "ftp://x" }, "es"));

        Assert.Equal("Se produjeron uno o más errores de validación.", spanish.GetProperty("title").GetString());
        Assert.Equal(Keys(english), Keys(spanish));
        Assert.Equal("El nombre es obligatorio.", Error(spanish, "name"));
        Assert.Equal("La URL debe ser una dirección completa que empiece por http:// o https://.", Error(spanish, "url"));
        Assert.Equal("El disparador es obligatorio.", Error(spanish, "trigger"));
    }

    [Fact]
    public async Task Titles_and_details_follow_accept_language_for_every_kind_of_problem()
    {
        using var acme = await app.ApiClientAsync();
        using var anonymous = app.Anonymous();

        var notFound = await ProblemAsync(acme, Get($"{Subscriptions}/62685990d918fb5557f9f992", "es-CL,es;q=0.9"));
        var badId = await ProblemAsync(acme, Get($"{Subscriptions}/nope", "es"));
        var unauthorized = await ProblemAsync(anonymous, Get(Subscriptions, "es"));
        var noEndpoint = await ProblemAsync(acme, Get("/api/v3/webhook/nothing-here", "es"));

        Assert.Equal("Webhook no encontrado", notFound.GetProperty("title").GetString());
        Assert.Equal("Tu empresa no tiene ningún webhook con id '62685990d918fb5557f9f992'.", notFound.GetProperty("detail").GetString());
        Assert.Equal("El id debe ser un ObjectId hexadecimal de 24 caracteres.", Error(badId, "id"));
        Assert.Equal("No autorizado", unauthorized.GetProperty("title").GetString());
        Assert.Equal("Ese endpoint de la API no existe", noEndpoint.GetProperty("title").GetString());
    }

    [Fact]
    public async Task An_unsupported_language_and_the_ui_culture_cookie_leave_the_api_english()
    {
        using var acme = await app.ApiClientAsync();
        var withCookie = Get($"{Subscriptions}/62685990d918fb5557f9f992");
        withCookie.Headers.Add("Cookie", ".AspNetCore.Culture=c%3Des-CL%7Cuic%3Des");

        var french = await ProblemAsync(acme, Get($"{Subscriptions}/62685990d918fb5557f9f992", "fr-FR"));
        var cookie = await ProblemAsync(acme, withCookie);

        Assert.Equal("Webhook not found", french.GetProperty("title").GetString());
        Assert.Equal("Webhook not found", cookie.GetProperty("title").GetString());
    }

    [Fact]
    public async Task Stored_data_is_the_same_whatever_language_created_it()
    {
        using var acme = await app.ApiClientAsync();
        var body = new { name = "Órdenes de trabajo", url = "https://www.server.com", trigger = "create-edit-delete-task", context = new { taskGroup = Ids.Workflow } };

        using var spanish = await acme.SendAsync(Post(body, "es-CL"));
        using var english = await acme.SendAsync(Post(body));

        Assert.Equal(HttpStatusCode.Created, spanish.StatusCode);
        var (es, en) = (await spanish.Content.ReadFromJsonAsync<JsonElement>(), await english.Content.ReadFromJsonAsync<JsonElement>());
        Assert.Equal(en.EnumerateObject().Select(p => p.Name), es.EnumerateObject().Select(p => p.Name));
        Assert.Equal("create-edit-delete-task", es.GetProperty("trigger").GetString());
        Assert.Equal("ordenes_de_trabajo", es.GetProperty("code").GetString());
        Assert.Equal("ordenes_de_trabajo_2", en.GetProperty("code").GetString());
    }

    private static HttpRequestMessage Post(object body, string? language = null) =>
        WithLanguage(new HttpRequestMessage(HttpMethod.Post, Subscriptions) { Content = JsonContent.Create(body) }, language);

    private static HttpRequestMessage Get(string path, string? language = null) => WithLanguage(new HttpRequestMessage(HttpMethod.Get, path), language);

    private static HttpRequestMessage WithLanguage(HttpRequestMessage request, string? language)
    {
        if (language is not null)
            request.Headers.AcceptLanguage.ParseAdd(language);
        return request;
    }

    private static async Task<JsonElement> ProblemAsync(HttpClient client, HttpRequestMessage request)
    {
        using var response = await client.SendAsync(request);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static string? Error(JsonElement problem, string field) => problem.GetProperty("errors").GetProperty(field)[0].GetString();

    private static IEnumerable<string> Keys(JsonElement problem) => problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order();
}
