using AngleSharp.Dom;
using Microsoft.AspNetCore.Components;
using WebhookAdmin.Core.Webhooks;
using WebhookAdmin.Features.Webhooks.Settings;

namespace WebhookAdmin.Components.Tests.Support;

/// <summary>Tests of the settings panel: opening it the way the address does, and its fields the way an admin uses them.</summary>
public abstract class SettingsPageTest : ComponentTest
{
    protected WebhookService Webhooks => Get<WebhookService>();
    protected NavigationManager Navigation => Get<NavigationManager>();

    protected IRenderedComponent<WebhookSettingsPage> RenderNew()
    {
        Navigation.NavigateTo("/admin/webhooks/new");
        return Render<WebhookSettingsPage>();
    }

    protected IRenderedComponent<WebhookSettingsPage> RenderExisting(string id)
    {
        Navigation.NavigateTo($"/admin/webhooks/{id}");
        return Render<WebhookSettingsPage>(p => p.Add(x => x.Id, id));
    }

    /// <summary>The settings panel of a saved webhook, once its fields hold what is stored.</summary>
    protected IRenderedComponent<WebhookSettingsPage> RenderLoaded(string id)
    {
        var page = RenderExisting(id);
        page.WaitForAssertion(() => Assert.Equal(id, Field(page, "identifier").GetAttribute("value")));
        return page;
    }

    protected static IElement Field(IRenderedComponent<WebhookSettingsPage> page, string name) => page.Find($"[data-testid=field-{name}]");

    /// <summary>Opens the Trigger select the way a mouse does and picks the item with that label.</summary>
    protected void ChooseTrigger(IRenderedComponent<WebhookSettingsPage> page, string label)
    {
        page.Find("[data-testid=general-information] .mud-select .mud-input-control").MouseDown();
        Popovers.WaitForAssertion(() => Popovers.FindAll(".mud-list-item").Single(i => i.TextContent.Trim() == label).Click());
    }
}
