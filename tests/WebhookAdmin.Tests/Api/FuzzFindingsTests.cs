using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using WebhookAdmin.Tests.Support;

namespace WebhookAdmin.Tests.Api;

/// <summary>Inputs a fuzz run of the API found answered 2xx; each is now refused, naming its field, or answered harmlessly.</summary>
public sealed class FuzzFindingsTests(TestApp app) : IClassFixture<TestApp>
{
    private const string Subscriptions = "/api/v3/webhook/subscription";

    [Theory]
    [InlineData("fz_newline\n")]
    [InlineData("fz_newline\r\n")]
    [InlineData("fz\nnewline")]
    public async Task A_code_with_a_line_break_is_refused_and_nothing_is_stored(string code)
    {
        using var acme = await app.ApiClientAsync();

        using var response = await acme.PostAsJsonAsync(Subscriptions, new { name = "Fuzzed", url = "https://receiver.example/hook", trigger = "create-edit-delete-user", code });

        await WebhookApiTests.AssertFieldErrorAsync(response, "code");
        var all = await acme.GetFromJsonAsync<JsonElement[]>(Subscriptions);
        Assert.DoesNotContain(all!, w => w.GetProperty("code").GetString()!.StartsWith("fz", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_unknown_field_inside_context_is_refused_by_its_path()
    {
        using var acme = await app.ApiClientAsync();

        using var response = await acme.PostAsync(Subscriptions, new StringContent(
            """{"name":"Tasks","url":"https://receiver.example/hook","trigger":"create-edit-delete-task","context":{"taskGroup":"6261612a8f1e99002e5c8cce","workflow":"x"}}""",
            Encoding.UTF8, "application/json"));

        await WebhookApiTests.AssertFieldErrorAsync(response, "context.workflow");
    }

    [Theory]
    [InlineData("page=2147483647")]
    [InlineData("page=1073741825&limit=2")]
    [InlineData("page=214748365&limit=10")]
    public async Task A_page_far_past_the_end_is_empty_not_page_one(string query)
    {
        using var acme = await app.ApiClientAsync();
        var webhookId = await WebhookApiTests.CreateAsync(acme, $"Paged {Guid.NewGuid():N}");
        await app.Get<Core.Events.EventPublisher>().PublishToWebhookAsync(Ids.Acme, webhookId,
            new Core.Events.CotEvent("COTUser", "edit", JsonSerializer.SerializeToElement(new { n = 1 })));

        using var firstPage = await acme.GetAsync($"{Subscriptions}/logs/{webhookId}");
        using var response = await acme.GetAsync($"{Subscriptions}/logs/{webhookId}?{query}");

        Assert.Single((await firstPage.Content.ReadFromJsonAsync<JsonElement[]>())!);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty((await response.Content.ReadFromJsonAsync<JsonElement[]>())!);
        Assert.False(response.Headers.Contains("Link"));
    }

    [Theory]
    [InlineData("company", "626161128f1e9939e05c6ae5")]
    [InlineData("_id", "62685990d918fb5557f9f992")]
    public async Task A_patch_carrying_another_company_or_id_is_refused_and_changes_nothing(string field, string other)
    {
        using var acme = await app.ApiClientAsync();
        var webhookId = await WebhookApiTests.CreateAsync(acme, $"Kept {Guid.NewGuid():N}");

        using var response = await acme.PatchAsync($"{Subscriptions}/{webhookId}",
            JsonContent.Create(new Dictionary<string, object> { [field] = other, ["name"] = "Changed anyway" }));

        await WebhookApiTests.AssertFieldErrorAsync(response, field);
        var stored = await acme.GetFromJsonAsync<JsonElement>($"{Subscriptions}/{webhookId}");
        Assert.StartsWith("Kept", stored.GetProperty("name").GetString());
    }

    [Fact]
    public async Task A_patch_echoing_the_stored_company_and_id_is_accepted()
    {
        using var acme = await app.ApiClientAsync();
        var webhookId = await WebhookApiTests.CreateAsync(acme, $"Echoed {Guid.NewGuid():N}");

        using var response = await acme.PatchAsync($"{Subscriptions}/{webhookId}",
            JsonContent.Create(new Dictionary<string, object> { ["_id"] = webhookId.ToUpperInvariant(), ["company"] = Ids.Acme, ["name"] = "Renamed" }));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Renamed", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("name").GetString());
    }
}
