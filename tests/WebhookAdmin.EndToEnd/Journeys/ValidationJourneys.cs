using Microsoft.Playwright;
using WebhookAdmin.Core.Webhooks;
using WebhookAdmin.EndToEnd.Support;
using WebhookAdmin.Tests.Support;
using static Microsoft.Playwright.Assertions;
using static WebhookAdmin.EndToEnd.Support.SettingsPanel;

namespace WebhookAdmin.EndToEnd.Journeys;

/// <summary>
/// The settings panel's field errors as Chromium shows them, typed key by key and left by Tab or a click on Save: the
/// events bUnit's one-shot Input() and Click() never fire, which is how a hidden error once passed the component tests.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class ValidationJourneys(EndToEndFixture fixture)
{
    private const string NotSaved = "Not saved: correct the highlighted fields.";

    private WebhookService Webhooks => fixture.App.Get<WebhookService>();

    [Fact]
    public async Task Typed_url_code_and_workflow_show_their_own_error_while_typing_and_after_save()
    {
        var page = await NewWebhookAsync();
        await Field(page, "name").FillAsync("Typed errors");
        await Field(page, "url").PressSequentiallyAsync("ftp://files.example");
        await Field(page, "code").FillAsync("");
        await Field(page, "code").PressSequentiallyAsync("Bad Code!");
        await ChooseTriggerAsync(page, "Create/Edit/Remove Task");
        await Field(page, "workflow").PressSequentiallyAsync(Ids.Workflow[..23]);
        await Field(page, "workflow").PressAsync("Tab");

        await ExpectErrorAsync(page, "url", "Url must be an absolute http:// or https:// address.");
        await ExpectErrorAsync(page, "code", "Code may contain only lowercase letters, digits and underscores.");
        await ExpectErrorAsync(page, "workflow", "A workflow must be a 24-character hexadecimal ObjectId.");

        await page.GetByTestId("save").ClickAsync();

        await Expect(page.GetByText(NotSaved)).ToBeVisibleAsync();
        await ExpectErrorAsync(page, "url", "Url must be an absolute http:// or https:// address.");
        await ExpectErrorAsync(page, "code", "Code may contain only lowercase letters, digits and underscores.");
        await ExpectErrorAsync(page, "workflow", "A workflow must be a 24-character hexadecimal ObjectId.");
        await ExpectNoErrorAsync(page, "name");
        await EndToEndFixture.ScreenshotForDocsAsync(page, "settings-errors");
        await page.Context.CloseAsync();
    }

    [Theory]
    [InlineData("javascript:alert(1)")]
    [InlineData("http://")]
    [InlineData("receiver.example/hook")]
    public async Task A_url_that_is_not_http_is_flagged_with_survey_and_group_ids_one_character_short(string url)
    {
        var page = await NewWebhookAsync();
        await Field(page, "name").FillAsync("Survey typed errors");
        await Field(page, "url").PressSequentiallyAsync(url);
        await ChooseTriggerAsync(page, "Create/Edit/Remove Survey");
        await Field(page, "survey").PressSequentiallyAsync(Ids.Survey[..23]);
        await Field(page, "group").PressSequentiallyAsync(Ids.Group[..23]);

        await page.GetByTestId("save").ClickAsync();

        await Expect(page.GetByText(NotSaved)).ToBeVisibleAsync();
        await ExpectErrorAsync(page, "url", "Url must be an absolute http:// or https:// address.");
        await ExpectErrorAsync(page, "survey", "A survey must be a 24-character hexadecimal ObjectId.");
        await ExpectErrorAsync(page, "group", "A group must be a 24-character hexadecimal ObjectId.");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_code_another_webhook_uses_stays_flagged_after_save()
    {
        await Webhooks.CreateAsync(Ids.Acme, new WebhookDraft("Existing sync", "https://existing.example/hook", WebhookTrigger.User, Code: "existing_sync"));
        var page = await NewWebhookAsync();
        await Field(page, "name").FillAsync("Second sync");
        await Field(page, "url").FillAsync("https://second.example/hook");
        await ChooseTriggerAsync(page, "Create/Edit/Remove User");
        await Field(page, "code").FillAsync("");
        await Field(page, "code").PressSequentiallyAsync("existing_sync");
        const string taken = "Code 'existing_sync' is already used by another webhook of this company.";
        await ExpectErrorAsync(page, "code", taken);

        await page.GetByTestId("save").ClickAsync();

        await Expect(page.GetByText(NotSaved)).ToBeVisibleAsync();
        await ExpectErrorAsync(page, "code", taken);
        Assert.Equal(0, (await fixture.App.Get<WebhookListing>().QueryAsync(Ids.Acme, new WebhookQuery("Second sync", IncludeDisabled: true))).Total);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Tabbing_through_an_empty_form_flags_nothing_and_save_names_each_missing_field()
    {
        var page = await NewWebhookAsync();
        await Field(page, "name").FocusAsync();
        for (var i = 0; i < 4; i++)
            await page.Keyboard.PressAsync("Tab");

        await Expect(page.Locator("[aria-invalid=true]")).ToHaveCountAsync(0);
        await Expect(page.GetByText("Required", new() { Exact = true })).ToHaveCountAsync(0);

        await page.GetByTestId("save").ClickAsync();

        await ExpectErrorAsync(page, "name", "Name is required.");
        await ExpectErrorAsync(page, "url", "Url is required.");
        await ExpectErrorAsync(page, "trigger", "Trigger is required.");
        // An empty code follows the name, so the name's message is the one to act on: the same before and after Save.
        await ExpectNoErrorAsync(page, "code");
        await Expect(page.GetByText("Required", new() { Exact = true })).ToHaveCountAsync(0);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task After_a_refused_save_a_successful_one_leaves_only_the_created_message()
    {
        var page = await NewWebhookAsync();
        await page.GetByTestId("save").ClickAsync();
        await Expect(page.GetByText(NotSaved)).ToBeVisibleAsync();

        await Field(page, "name").FillAsync("Second attempt");
        await Field(page, "url").FillAsync("https://second-attempt.example/hook");
        await ChooseTriggerAsync(page, "User Logout");
        await page.GetByTestId("save").ClickAsync();

        await Expect(page.GetByText("Webhook \"Second attempt\" created.")).ToBeVisibleAsync();
        await Expect(page.GetByText(NotSaved)).ToHaveCountAsync(0);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_long_pasted_name_is_kept_whole_counted_and_refused_with_the_limit()
    {
        var page = await NewWebhookAsync();
        var longName = string.Concat(Enumerable.Repeat("Quarterly work orders ", 23))[..500];

        await Field(page, "name").FillAsync(longName);

        await Expect(Field(page, "name")).ToHaveValueAsync(longName);
        await Expect(page.Locator(".mud-input-control").Filter(new() { Has = Field(page, "name") })).ToContainTextAsync("500 / 200");
        await ExpectErrorAsync(page, "name", "Name must be at most 200 characters.");
        await page.GetByTestId("save").ClickAsync();
        await Expect(page.GetByText(NotSaved)).ToBeVisibleAsync();
        await Expect(Field(page, "name")).ToHaveValueAsync(longName);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_pasted_control_character_in_the_name_or_description_is_flagged_and_nothing_is_saved()
    {
        var page = await NewWebhookAsync();
        await Field(page, "name").FillAsync("Pasted\u0000name");
        await Field(page, "url").FillAsync("https://pasted.example/hook");
        await ChooseTriggerAsync(page, "Create/Edit/Remove User");
        await Field(page, "description").FillAsync("Two lines\nare fine\u0007");

        await ExpectErrorAsync(page, "name", "Name must be one line of text, without tabs, line breaks or other control characters.");
        await ExpectErrorAsync(page, "description", "Description may contain line breaks and tabs, but no other control characters (such as NUL).");
        await page.GetByTestId("save").ClickAsync();
        await Expect(page.GetByText(NotSaved)).ToBeVisibleAsync();
        Assert.DoesNotContain(await Webhooks.ListAsync(Ids.Acme), w => w.Url == "https://pasted.example/hook");

        await Field(page, "description").FillAsync("Two lines\nare fine");
        await ExpectNoErrorAsync(page, "description");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task An_admin_sets_a_rate_limit_sees_a_bad_one_flagged_inline_and_clears_it()
    {
        var webhook = ((WebhookOutcome.Saved)await Webhooks.CreateAsync(Ids.Acme,
            new WebhookDraft("Fragile receiver", "https://fragile.example/hook", WebhookTrigger.User))).Webhook;
        var page = await fixture.SignInAsync("admin@acme.test", "acme-admin", $"/admin/webhooks/{webhook.Id}");
        await EndToEndFixture.WaitForCircuitAsync(page);
        await Expect(Field(page, "identifier")).ToHaveValueAsync(webhook.Id);
        const string OutOfRange = "The rate limit must be a whole number of deliveries per second from 1 to 10,000, or empty for no limit.";

        await Field(page, "rate-limit").PressSequentiallyAsync("20000");
        await Field(page, "rate-limit").PressAsync("Tab");
        await ExpectErrorAsync(page, "rate-limit", OutOfRange);
        await page.GetByTestId("save").ClickAsync();
        await Expect(page.GetByText(NotSaved)).ToBeVisibleAsync();
        await ExpectErrorAsync(page, "rate-limit", OutOfRange);
        Assert.Null((await Webhooks.GetAsync(Ids.Acme, webhook.Id))!.RateLimit);

        await Field(page, "rate-limit").FillAsync("");
        await Field(page, "rate-limit").PressSequentiallyAsync("25");
        await ExpectNoErrorAsync(page, "rate-limit");
        await page.GetByTestId("save").ClickAsync();
        await Expect(page.GetByText("Changes saved.")).ToBeVisibleAsync();
        Assert.Equal(25, (await Webhooks.GetAsync(Ids.Acme, webhook.Id))!.RateLimit);

        await page.ReloadAsync();
        await EndToEndFixture.WaitForCircuitAsync(page);
        await Expect(Field(page, "rate-limit")).ToHaveValueAsync("25");
        await Field(page, "rate-limit").FillAsync("");
        await page.GetByTestId("save").ClickAsync();
        await Expect(page.GetByText("Changes saved.").Last).ToBeVisibleAsync();
        await Expect(Field(page, "rate-limit")).ToHaveValueAsync("");
        Assert.Null((await Webhooks.GetAsync(Ids.Acme, webhook.Id))!.RateLimit);
        await page.Context.CloseAsync();
    }

    private async Task<IPage> NewWebhookAsync()
    {
        var page = await fixture.SignInAsync("admin@acme.test", "acme-admin", "/admin/webhooks/new");
        await EndToEndFixture.WaitForCircuitAsync(page);
        return page;
    }
}
