using System.Text.RegularExpressions;
using Microsoft.Playwright;
using WebhookAdmin.EndToEnd.Support;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace WebhookAdmin.EndToEnd.Journeys;

/// <summary>Addresses that lead nowhere: a mistyped page, a webhook id that is unknown or not an id at all.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class AddressJourneys(EndToEndFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task An_unknown_address_shows_the_apps_not_found_page_with_a_404()
    {
        var page = await fixture.SignInAsync("admin@acme.test", "acme-admin");
        await EndToEndFixture.WaitForCircuitAsync(page);

        var response = await page.GotoAsync("/nope");

        Assert.Equal(404, response!.Status);
        Assert.StartsWith("text/html", response.Headers["content-type"]);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Page not found", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Go to Webhooks" })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("signed-in-user")).ToHaveTextAsync("Acme Admin");
        output.WriteLine(await Accessibility.AssertCleanAsync(page, "Page not found @ 1280×800"));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task An_unknown_api_address_still_answers_problem_json()
    {
        using var api = await fixture.App.ApiClientAsync();

        using var response = await api.GetAsync("/api/v3/webhook/nope");

        Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("ffffffffffffffffffffffff")]
    [InlineData("not-a-webhook-id")]
    public async Task An_unknown_or_malformed_webhook_id_is_not_found_rather_than_a_new_webhook(string id)
    {
        var page = await fixture.SignInAsync("admin@acme.test", "acme-admin", $"/admin/webhooks/{id}");
        await EndToEndFixture.WaitForCircuitAsync(page);

        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Webhook not found");
        await Expect(page).ToHaveTitleAsync(new Regex("^Webhook not found"));
        await Expect(page.GetByTestId("not-found")).ToContainTextAsync(id);
        await Expect(page.GetByTestId("save")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("general-information")).ToHaveCountAsync(0);
        await page.Context.CloseAsync();
    }
}
