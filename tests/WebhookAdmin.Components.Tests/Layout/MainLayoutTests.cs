using Microsoft.AspNetCore.Components;
using WebhookAdmin.Components.Layout;
using WebhookAdmin.Components.Tests.Support;

namespace WebhookAdmin.Components.Tests.Layout;

public sealed class MainLayoutTests : ComponentTest
{
    [Fact]
    public void App_bar_shows_the_signed_in_admin_and_a_sign_out_button_that_posts_the_form()
    {
        var layout = RenderLayout();

        Assert.Equal("Acme Admin", layout.Find("[data-testid=signed-in-user]").TextContent.Trim());
        var form = layout.Find("form[action='/account/logout']");
        Assert.Equal("post", form.GetAttribute("method"));
        var button = layout.FindAll("button[type=submit]").Single(b => b.TextContent.Contains("Sign out"));
        Assert.Equal(form.Id, button.GetAttribute("form"));
    }

    [Fact]
    public void On_a_phone_the_menu_signs_out_through_the_same_form()
    {
        var layout = RenderLayout();

        layout.Find("[data-testid=app-menu] button[aria-label=Menu]").Click();
        layout.WaitForAssertion(() => layout.FindAll(".mud-menu-item").Single(i => i.TextContent.Contains("Sign out")).Click());

        var submit = Context.JSInterop.VerifyInvoke("webhookAdmin.submit");
        Assert.Equal(layout.Find("form[action='/account/logout']").Id, submit.Arguments.Single());
    }

    [Fact]
    public void The_phone_menu_names_the_admin_and_offers_the_webhooks()
    {
        var layout = RenderLayout();

        layout.Find("[data-testid=app-menu] button[aria-label=Menu]").Click();

        layout.WaitForAssertion(() =>
        {
            var items = layout.FindAll("[data-testid=app-menu] .mud-menu-item, .mud-popover .mud-menu-item").Select(i => i.TextContent.Trim()).ToList();
            Assert.Contains("Acme Admin", items);
            Assert.Contains("Webhooks", items);
            Assert.Contains("Sign out", items);
        });
    }

    [Fact]
    public void Administrator_menu_offers_the_webhooks_section()
    {
        var layout = RenderLayout();

        layout.Find("button[aria-label='Administrator menu'], .mud-menu button").Click();

        layout.WaitForAssertion(() =>
        {
            var item = layout.FindAll(".mud-menu-item").Single(i => i.TextContent.Contains("Webhooks"));
            Assert.Equal("/admin/webhooks", item.GetAttribute("href") ?? item.QuerySelector("a")?.GetAttribute("href"));
        });
    }

    [Fact]
    public void A_member_without_the_admin_role_gets_no_administrator_menu()
    {
        SignInAs("Acme Member", Acme, role: "member");
        Auth.SetPolicies();

        var layout = RenderLayout();

        Assert.Empty(layout.FindAll("button[aria-label='Administrator menu']"));
        Assert.Empty(layout.FindAll("[data-testid=notice-bell]"));
        Assert.Equal("Acme Member", layout.Find("[data-testid=signed-in-user]").TextContent.Trim());
        layout.Find("[data-testid=app-menu] button[aria-label=Menu]").Click();
        layout.WaitForAssertion(() => Assert.Contains(layout.FindAll(".mud-menu-item"), i => i.TextContent.Contains("Sign out")));
        Assert.DoesNotContain(layout.FindAll(".mud-menu-item"), i => i.TextContent.Contains("Webhooks"));
    }

    [Fact]
    public void Follows_the_systems_dark_preference_until_the_admin_chooses()
    {
        // MudBlazor asks the browser through this call (prefers-color-scheme).
        Context.JSInterop.Setup<bool>("mudThemeProvider.isDarkMode").SetResult(true);

        var layout = RenderLayout();

        layout.WaitForAssertion(() => Assert.Equal("dark", layout.Find("[data-color-scheme]").GetAttribute("data-color-scheme")));
        Assert.Equal("true", layout.Find("[data-testid=color-scheme-toggle]").GetAttribute("aria-pressed"));
    }

    [Fact]
    public void A_remembered_choice_wins_over_the_system_and_the_toggle_remembers_the_new_one()
    {
        // MudBlazor asks the browser through this call (prefers-color-scheme).
        Context.JSInterop.Setup<bool>("mudThemeProvider.isDarkMode").SetResult(true);
        Context.JSInterop.Setup<string?>("webhookAdmin.colorScheme.remembered").SetResult("light");

        var layout = RenderLayout();
        layout.WaitForAssertion(() => Assert.Single(Context.JSInterop.Invocations, i => i.Identifier == "webhookAdmin.colorScheme.remembered"));
        Assert.Equal("light", layout.Find("[data-color-scheme]").GetAttribute("data-color-scheme"));

        layout.Find("[data-testid=color-scheme-toggle]").Click();

        Assert.Equal("dark", layout.Find("[data-color-scheme]").GetAttribute("data-color-scheme"));
        Assert.Equal("dark", Context.JSInterop.VerifyInvoke("webhookAdmin.colorScheme.remember").Arguments.Single());
    }

    [Fact]
    public void Body_is_rendered_inside_the_main_content()
    {
        var layout = RenderLayout();

        Assert.Contains("page body", layout.Find(".mud-main-content").TextContent);
    }

    [Fact]
    public void Circuit_marker_is_rendered_once_the_page_is_interactive() =>
        Assert.Single(RenderLayout().FindAll("[data-testid=circuit-ready]"));

    [Fact]
    public void Circuit_marker_is_absent_while_prerendering()
    {
        Context.Renderer.SetRendererInfo(new RendererInfo("Static", isInteractive: false));

        Assert.Empty(RenderLayout().FindAll("[data-testid=circuit-ready]"));
    }

    [Fact]
    public void The_notification_bell_is_in_the_bar()
    {
        var layout = RenderLayout();

        layout.WaitForAssertion(() => Assert.Single(layout.FindAll(".mud-appbar [data-testid=notice-bell] button[aria-label=Notifications]")));
    }

    // The layout hosts its own popover provider, so it is rendered without the base class's one.
    private IRenderedComponent<MainLayout> RenderLayout() =>
        Context.Render<MainLayout>(p => p.Add(l => l.Body, (RenderFragment)(b => b.AddContent(0, "page body"))));
}
