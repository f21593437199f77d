using MudBlazor;
using WebhookAdmin.Components.Tests.Support;
using WebhookAdmin.Core.EndpointAuth;
using WebhookAdmin.Core.Webhooks;
using WebhookAdmin.Features.EndpointAuth;

namespace WebhookAdmin.Components.Tests.EndpointAuth;

public sealed class EndpointAuthSectionTests : ComponentTest
{
    private Webhook _webhook = null!;

    private EndpointAuthService Endpoints => Get<EndpointAuthService>();

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var outcome = await Get<WebhookService>().CreateAsync(Acme, new WebhookDraft("CRM sync", "https://receiver.example/hook", WebhookTrigger.User));
        _webhook = ((WebhookOutcome.Saved)outcome).Webhook;
    }

    [Fact]
    public async Task Stored_secrets_are_shown_masked_and_saving_with_them_empty_keeps_them()
    {
        await Endpoints.SaveAsync(Acme, _webhook.Id, new EndpointAuthSettings(EndpointAuthKind.Bearer, Token: "bearer-token-0123456789",
            Headers: [new("X-Tenant", "tenant-value-abcdefgh")]));
        var section = RenderOpen();

        section.WaitForAssertion(() => Assert.Contains("Stored: ••••6789. Leave empty to keep it.", section.Markup));
        Assert.Equal("", section.Find("input[data-testid=auth-token]").GetAttribute("value") ?? "");
        Assert.Equal("X-Tenant", section.Find("input[data-testid=auth-header-name]").GetAttribute("value"));
        Assert.DoesNotContain("bearer-token-0123", section.Markup);
        Assert.DoesNotContain("tenant-value", section.Markup);

        section.Find("[data-testid=auth-save]").Click();

        section.WaitForAssertion(() => Assert.Contains(Get<ISnackbar>().ShownSnackbars, s => s.Message == "Endpoint authentication saved."));
        Assert.Equal("••••6789", (await Endpoints.GetAsync(Acme, _webhook.Id))!.Token);
    }

    [Fact]
    public async Task A_header_the_delivery_sets_itself_is_refused_inline_and_nothing_is_stored()
    {
        var section = RenderOpen();
        section.WaitForElement("[data-testid=auth-save]");

        section.FindAll("button").Single(b => b.TextContent.Trim() == "Add header").Click();
        section.Find("input[data-testid=auth-header-name]").Change("webhook-signature");
        section.Find("input[data-testid=auth-header-value]").Change("v1,forged");
        section.Find("[data-testid=auth-save]").Click();

        section.WaitForAssertion(() => Assert.Contains("“webhook-signature” is set by the delivery itself", section.Markup));
        Assert.Equal(EndpointAuthView.Nothing, await Endpoints.GetAsync(Acme, _webhook.Id));
    }

    [Fact]
    public async Task Typed_basic_credentials_and_a_header_are_saved_and_then_shown_masked()
    {
        var section = RenderOpen();
        section.WaitForElement(".endpoint-auth-section .mud-select .mud-input-control");

        section.Find(".endpoint-auth-section .mud-select .mud-input-control").MouseDown();
        Popovers.WaitForElement(".mud-popover-open .mud-list-item");
        Popovers.FindAll(".mud-popover-open .mud-list-item").Single(i => i.TextContent.Trim() == "HTTP Basic").Click();
        section.WaitForElement("input[data-testid=auth-username]").Change("crm");
        section.Find("input[data-testid=auth-password]").Change("a-long-password-1234");
        section.FindAll("button").Single(b => b.TextContent.Trim() == "Add header").Click();
        section.Find("input[data-testid=auth-header-name]").Change("X-Api-Key");
        section.Find("input[data-testid=auth-header-value]").Change("key");
        section.Find("[data-testid=auth-save]").Click();

        section.WaitForAssertion(() => Assert.Contains("Stored: ••••1234.", section.Markup));
        var stored = (await Endpoints.GetAsync(Acme, _webhook.Id))!;
        Assert.Equal((EndpointAuthKind.Basic, "crm", "••••1234"), (stored.Kind, stored.Username, stored.Password));
        Assert.Equal([new HeaderView("X-Api-Key", "••••••••")], stored.Headers);
    }

    private Bunit.IRenderedComponent<EndpointAuthSection> RenderOpen()
    {
        var section = Render<EndpointAuthSection>(p => p.Add(s => s.WebhookId, _webhook.Id));
        section.WaitForElement(".mud-expand-panel-header").Click();
        return section;
    }
}
