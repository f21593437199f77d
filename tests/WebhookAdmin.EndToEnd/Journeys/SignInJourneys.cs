using Microsoft.Playwright;
using WebhookAdmin.Core.Webhooks;
using WebhookAdmin.EndToEnd.Support;
using WebhookAdmin.Tests.Support;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace WebhookAdmin.EndToEnd.Journeys;

[Collection(EndToEndCollection.Name)]
public sealed class SignInJourneys(EndToEndFixture fixture, ITestOutputHelper output)
{
    private WebhookService Webhooks => fixture.App.Get<WebhookService>();

    [Theory]
    [InlineData(nameof(Viewports.Desktop), "en-US")]
    [InlineData(nameof(Viewports.Phone), "es-CL")]
    public async Task The_sign_in_page_has_no_axe_violation_blank_or_after_a_wrong_password(string width, string locale)
    {
        var page = await fixture.NewPageAsync(Viewports.Named(width), locale: locale);
        var size = $"{Viewports.Named(width).Width}×{Viewports.Named(width).Height} {locale}";
        await page.GotoAsync("/admin/webhooks");
        await Expect(page.Locator("input#email")).ToBeVisibleAsync();
        output.WriteLine(await Accessibility.AssertCleanAsync(page, $"sign-in page @ {size}"));

        await page.Locator("input#email").FillAsync("admin@acme.test");
        await page.Locator("input#password").FillAsync("not-the-password");
        await page.Locator("button[type=submit]").ClickAsync();

        await Expect(page.GetByRole(AriaRole.Alert)).ToBeVisibleAsync();
        output.WriteLine(await Accessibility.AssertCleanAsync(page, $"sign-in page with an error @ {size}"));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Admin_signs_in_through_the_embedded_provider_and_sees_only_their_companys_webhooks()
    {
        await Webhooks.CreateAsync(Ids.Acme, new WebhookDraft("Acme work orders", "https://acme.example/hook", WebhookTrigger.Task, new WebhookContext("", "", Ids.Workflow)));
        await Webhooks.CreateAsync(Ids.Globex, new WebhookDraft("Globex secret hook", "https://globex.example/hook", WebhookTrigger.User));

        var page = await fixture.SignInAsync("admin@acme.test", "acme-admin");
        await EndToEndFixture.WaitForCircuitAsync(page);

        await Expect(page).ToHaveURLAsync(new Uri(fixture.App.BaseAddress, "/admin/webhooks").ToString());
        await Expect(page.GetByTestId("signed-in-user")).ToHaveTextAsync("Acme Admin");
        var table = page.GetByTestId("webhooks-table");
        await Expect(table.GetByRole(AriaRole.Row).Filter(new() { HasText = "Acme work orders" })).ToContainTextAsync("Create/Edit/Remove Task");
        await Expect(table).Not.ToContainTextAsync("Globex secret hook");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Admin_of_another_company_does_not_see_the_first_companys_webhooks()
    {
        await Webhooks.CreateAsync(Ids.Acme, new WebhookDraft("Acme invoices", "https://acme.example/invoices", WebhookTrigger.User));
        await Webhooks.CreateAsync(Ids.Globex, new WebhookDraft("Globex logouts", "https://globex.example/logout", WebhookTrigger.LogoutUser));

        var page = await fixture.SignInAsync("admin@globex.test", "globex-admin");
        await EndToEndFixture.WaitForCircuitAsync(page);

        var table = page.GetByTestId("webhooks-table");
        await Expect(table).ToContainTextAsync("Globex logouts");
        await Expect(table).ToContainTextAsync("User Logout");
        await Expect(table).Not.ToContainTextAsync("Acme");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_signed_in_user_without_the_admin_role_is_kept_out()
    {
        await Webhooks.CreateAsync(Ids.Acme, new WebhookDraft("Admins only", "https://acme.example/admins", WebhookTrigger.User));

        var page = await fixture.SignInAsync("member@acme.test", "acme-member");

        await Expect(page.GetByText("Administrators only")).ToBeVisibleAsync();
        await Expect(page.GetByText("Admins only")).Not.ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_member_is_shown_administrators_only_with_the_apps_logo_and_styles()
    {
        var page = await fixture.SignInAsync("member@acme.test", "acme-member");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Administrators only" })).ToBeVisibleAsync();

        foreach (var asset in new[] { "logo.svg", "app.css", "favicon.svg", "app.js" })
        {
            var response = await page.APIRequest.GetAsync(asset, new() { MaxRedirects = 0 });
            Assert.True(response.Status == 200, $"{asset} answered {response.Status} to a signed-in member.");
        }
        Assert.True(await page.Locator("img[src='logo.svg']").EvaluateAsync<bool>("img => img.complete && img.naturalWidth > 0"), "The logo did not load.");
        // A rule only app.css has: the page is styled, not raw MudBlazor.
        await Expect(page.GetByTestId("signed-in-user")).ToHaveCSSAsync("text-overflow", "ellipsis");
        output.WriteLine(await Accessibility.AssertCleanAsync(page, "Administrators only @ 1280×800"));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Sign_out_sends_the_id_token_hint_and_client_id_so_the_provider_sends_the_admin_back()
    {
        var page = await fixture.SignInAsync("admin@acme.test", "acme-admin");
        await EndToEndFixture.WaitForCircuitAsync(page);
        var endSession = page.WaitForRequestAsync(request => request.Url.Contains("/connect/logout"));
        var callback = page.WaitForRequestAsync(request => request.Url.Contains("/signout-callback-oidc"));

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();

        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(new Uri((await endSession).Url).Query);
        Assert.Equal("webhookadmin-ui", query["client_id"].ToString());
        Assert.EndsWith("/signout-callback-oidc", query["post_logout_redirect_uri"].ToString());
        var hint = new System.IdentityModel.Tokens.Jwt.JwtSecurityToken(query["id_token_hint"].ToString());
        Assert.Equal((fixture.App.BaseAddress.ToString(), "webhookadmin-ui", "admin@acme.test"), (hint.Issuer, hint.Audiences.Single(), hint.Subject));
        await callback;
        await EndToEndFixture.ExpectSignedOutAsync(page);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Wrong_password_is_refused_on_the_sign_in_page()
    {
        var page = await fixture.SignInAsync("admin@acme.test", "not-the-password");

        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Unknown email or wrong password.");
        await Expect(page.GetByLabel("Email")).ToHaveValueAsync("admin@acme.test");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Administrator_menu_leads_to_webhooks_and_sign_out_ends_the_session()
    {
        var page = await fixture.SignInAsync("admin@acme.test", "acme-admin", path: "/");
        await EndToEndFixture.WaitForCircuitAsync(page);

        await page.GetByRole(AriaRole.Button, new() { Name = "Administrator" }).ClickAsync();
        await page.GetByRole(AriaRole.Menuitem, new() { Name = "Webhooks" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Webhooks" })).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await page.GotoAsync("/admin/webhooks");
        await Expect(page.GetByLabel("Password")).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Signing_in_through_a_link_with_a_tab_before_another_site_ends_on_the_apps_own_page()
    {
        var page = await fixture.NewPageAsync();
        var offSite = await GuardOffSiteAsync(page);
        await page.GotoAsync("/account/login?returnUrl=/%09/evil.example");
        await page.Locator("#email").FillAsync("admin@acme.test");
        await page.Locator("#password").FillAsync("acme-admin");
        await page.Locator("form button[type=submit]").ClickAsync();

        // Home, which sends an admin on to the webhooks.
        await Expect(page).ToHaveURLAsync(new Uri(fixture.App.BaseAddress, "/admin/webhooks").ToString());
        await Expect(page.GetByTestId("signed-in-user")).ToHaveTextAsync("Acme Admin");
        Assert.Empty(offSite);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Switching_language_through_a_link_with_a_tab_before_another_site_stays_on_the_app()
    {
        var page = await fixture.SignInAsync("admin@acme.test", "acme-admin");
        await EndToEndFixture.WaitForCircuitAsync(page);
        var offSite = await GuardOffSiteAsync(page);

        await page.GotoAsync("/culture/set?culture=es&redirectUri=/%09/evil.example");

        await Expect(page).ToHaveURLAsync(new Uri(fixture.App.BaseAddress, "/admin/webhooks").ToString());
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "es");
        Assert.Empty(offSite);
        await page.Context.CloseAsync();
    }

    /// <summary>Any request the page makes to evil.example, answered here so the test never waits on DNS.</summary>
    private static async Task<List<string>> GuardOffSiteAsync(IPage page)
    {
        var requests = new List<string>();
        await page.Context.RouteAsync("**://evil.example/**", async route =>
        {
            lock (requests)
                requests.Add(route.Request.Url);
            await route.FulfillAsync(new() { Status = 200, Body = "off the site" });
        });
        return requests;
    }
}
