using MudBlazor;
using WebhookAdmin.Components.Tests.Support;
using WebhookAdmin.Core.Receivers;
using WebhookAdmin.Core.Webhooks;
using WebhookAdmin.Features.Receivers;

namespace WebhookAdmin.Components.Tests.Receivers;

public sealed class ReceiverKeySectionTests : ComponentTest
{
    private Webhook _webhook = null!;

    private ReceiverKeys Keys => Get<ReceiverKeys>();

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var outcome = await Get<WebhookService>().CreateAsync(Acme, new WebhookDraft("CRM sync", "https://receiver.example/hook", WebhookTrigger.User));
        _webhook = ((WebhookOutcome.Saved)outcome).Webhook;
    }

    [Fact]
    public async Task A_new_key_is_shown_once_and_afterwards_only_its_last_characters()
    {
        var section = RenderOpen();
        section.WaitForAssertion(() => Assert.Equal("This webhook has no receiver key.", section.Find("[data-testid=receiver-key-state]").TextContent.Trim()));

        Button(section, "Create key").Click();

        var key = "";
        section.WaitForAssertion(() => key = section.Find("[data-testid=new-receiver-key] input").GetAttribute("value")!);
        Assert.Matches($"^whrk_{_webhook.Id}_", key);
        Assert.Contains("it is not shown again", section.Find("[data-testid=new-receiver-key]").TextContent);
        Assert.Equal(new ReceiverKeyHolder(Acme, _webhook.Id), await Keys.AuthenticateAsync(key));

        var later = RenderOpen();
        later.WaitForAssertion(() => Assert.StartsWith($"Key ending in …{key[^4..]}, created", later.Find("[data-testid=receiver-key-state]").TextContent.Trim()));
        Assert.Empty(later.FindAll("[data-testid=new-receiver-key]"));
        Assert.DoesNotContain(key, later.Markup);
    }

    [Fact]
    public async Task Rotating_asks_first_naming_the_webhook_and_the_old_key_keeps_working_for_a_day()
    {
        var old = (await Keys.CreateAsync(Acme, _webhook.Id))!.Key;
        var section = RenderOpen();

        section.WaitForAssertion(() => Button(section, "Rotate key").Click());
        Dialogs.WaitForAssertion(() => Assert.Contains("Make a new receiver key for “CRM sync”?", Dialogs.Markup));
        Dialogs.FindAll(".mud-dialog button").Single(b => b.TextContent.Trim() == "Rotate key").Click();

        section.WaitForAssertion(() => Assert.NotEmpty(section.FindAll("[data-testid=new-receiver-key]")));
        var rotated = section.Find("[data-testid=new-receiver-key] input").GetAttribute("value")!;
        Assert.NotEqual(old, rotated);
        Assert.Contains("The previous key keeps working until", section.Find("[data-testid=receiver-key-previous]").TextContent);
        Assert.NotNull(await Keys.AuthenticateAsync(old));
        Assert.NotNull(await Keys.AuthenticateAsync(rotated));
    }

    [Fact]
    public async Task Revoking_asks_first_and_then_no_key_works()
    {
        var key = (await Keys.CreateAsync(Acme, _webhook.Id))!.Key;
        var section = RenderOpen();

        section.WaitForAssertion(() => Button(section, "Revoke").Click());
        Dialogs.WaitForAssertion(() => Assert.Contains("Revoke the receiver keys of “CRM sync”?", Dialogs.Markup));
        Dialogs.FindAll(".mud-dialog button").Single(b => b.TextContent.Trim() == "Revoke").Click();

        section.WaitForAssertion(() => Assert.Equal("This webhook has no receiver key.", section.Find("[data-testid=receiver-key-state]").TextContent.Trim()));
        Assert.Null(await Keys.AuthenticateAsync(key));
        Assert.Contains(Get<ISnackbar>().ShownSnackbars, s => s.Message == "Receiver key revoked.");
    }

    [Fact]
    public void The_section_is_folded_until_the_admin_opens_it()
    {
        var section = Render<ReceiverKeySection>(p => p.Add(s => s.WebhookId, _webhook.Id).Add(s => s.WebhookName, _webhook.Name));

        section.WaitForAssertion(() => Assert.Contains("Receiver key", section.Find(".mud-expand-panel-header").TextContent));
        Assert.Contains("invisible", section.Find(".mud-collapse-container").ClassList);

        section.Find(".mud-expand-panel-header").Click();

        section.WaitForAssertion(() => Assert.DoesNotContain("invisible", section.Find(".mud-collapse-container").ClassList));
    }

    private Bunit.IRenderedComponent<ReceiverKeySection> RenderOpen()
    {
        var section = Render<ReceiverKeySection>(p => p.Add(s => s.WebhookId, _webhook.Id).Add(s => s.WebhookName, _webhook.Name));
        section.WaitForElement(".mud-expand-panel-header").Click();
        return section;
    }

    private static AngleSharp.Dom.IElement Button(Bunit.IRenderedComponent<ReceiverKeySection> section, string text) =>
        section.FindAll("button").Single(b => b.TextContent.Trim() == text);
}
