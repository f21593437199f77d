using Microsoft.AspNetCore.Components;
using WebhookAdmin.Components.Layout;
using WebhookAdmin.Components.Tests.Support;

namespace WebhookAdmin.Components.Tests.Layout;

public sealed class MainLayoutTests : ComponentTest
{
    [Fact]
    public void App_bar_shows_the_signed_in_admin_and_a_sign_out_form()
    {
        var layout = RenderLayout();

        Assert.Equal("Acme Admin", layout.Find("[data-testid=signed-in-user]").TextContent.Trim());
        var form = layout.Find("form[action='/account/logout']");
        Assert.Equal("post", form.GetAttribute("method"));
        Assert.Contains("Sign out", form.TextContent);
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

        Assert.Empty(layout.FindAll(".mud-menu"));
        Assert.Equal("Acme Member", layout.Find("[data-testid=signed-in-user]").TextContent.Trim());
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

    // The layout hosts its own popover provider, so it is rendered without the base class's one.
    private IRenderedComponent<MainLayout> RenderLayout() =>
        Context.Render<MainLayout>(p => p.Add(l => l.Body, (RenderFragment)(b => b.AddContent(0, "page body"))));
}
