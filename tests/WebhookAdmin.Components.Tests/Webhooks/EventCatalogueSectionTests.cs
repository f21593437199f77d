using AngleSharp.Dom;
using WebhookAdmin.Components.Tests.Support;
using WebhookAdmin.Core.Webhooks;
using WebhookAdmin.Features.Webhooks.Settings;

namespace WebhookAdmin.Components.Tests.Webhooks;

public sealed class EventCatalogueSectionTests : SettingsPageTest
{
    [Fact]
    public void The_section_is_folded_until_opened_then_shows_the_first_kind_s_example_in_the_json_viewer()
    {
        var section = Render<EventCatalogueSection>(p => p.Add(s => s.Trigger, WebhookTrigger.Task));

        Assert.Equal("What this trigger sends", section.Find(".mud-expand-panel-header").TextContent.Trim());
        Assert.Empty(section.FindAll("[data-testid=event-example]"));

        section.Find(".mud-expand-panel-header").Click();

        section.WaitForAssertion(() => Assert.NotEmpty(section.FindAll("[data-testid=event-example]")));
        Assert.Equal(["create", "edit", "delete"], KindButtons(section).Select(b => b.TextContent.Trim()));
        Assert.Equal("true", KindButtons(section)[0].GetAttribute("aria-pressed"));
        Assert.Equal("A task was created in the webhook's workflow.", section.Find("[data-testid=event-kind-description]").TextContent.Trim());
        Assert.Equal("Example from the product documents.", section.Find("[data-testid=event-kind-source]").TextContent.Trim());
        Assert.Contains("62742b7562f37034d9399914", section.Find("[data-testid=event-example]").TextContent);
    }

    [Fact]
    public void Choosing_another_kind_shows_its_example_and_says_it_was_written_here()
    {
        var section = RenderOpen(WebhookTrigger.Task);

        KindButtons(section).Single(b => b.TextContent.Trim() == "delete").Click();

        section.WaitForAssertion(() => Assert.Equal("delete", section.Find("[data-testid=event-kind]").GetAttribute("data-event")));
        Assert.Equal(["false", "false", "true"], KindButtons(section).Select(b => b.GetAttribute("aria-pressed")));
        Assert.Equal("Example written by WebhookAdmin in the spirit of the documented one.", section.Find("[data-testid=event-kind-source]").TextContent.Trim());
        Assert.Contains("2022-05-20T09:00:40.912Z", section.Find("[data-testid=event-example]").TextContent);
    }

    [Fact]
    public void The_fields_table_lists_the_described_paths_with_type_first_and_their_meaning()
    {
        var section = RenderOpen(WebhookTrigger.Survey);

        var rows = section.FindAll("[data-testid=event-fields] tbody tr").Select(r => r.QuerySelectorAll("td").Select(c => c.TextContent.Trim()).ToArray()).ToList();

        Assert.Equal("type", rows[0][0]);
        Assert.Contains(rows, r => r.SequenceEqual(["data.survey", "string", "The survey answered (what the webhook's survey matches)."]));
        Assert.Contains(rows, r => r.SequenceEqual(["data.answers", "array", "The answers given."]));
    }

    [Fact]
    public void In_spanish_the_section_its_descriptions_and_fields_are_spanish()
    {
        Culture = "es";

        var section = RenderOpen(WebhookTrigger.Note);

        Assert.Equal("Qué envía este disparador", section.Find(".mud-expand-panel-header").TextContent.Trim());
        Assert.Equal("Se escribió una nota.", section.Find("[data-testid=event-kind-description]").TextContent.Trim());
        Assert.Contains("El texto de la nota.", section.Find("[data-testid=event-fields]").TextContent);
    }

    [Fact]
    public void The_section_follows_the_trigger_chosen_in_the_settings_panel()
    {
        var page = RenderNew();
        Assert.Empty(page.FindAll("[data-testid=event-catalogue-section]"));

        ChooseTrigger(page, "Create/Edit/Remove Task");
        page.WaitForAssertion(() => page.Find("[data-testid=event-catalogue-section] .mud-expand-panel-header").Click());
        page.WaitForAssertion(() => Assert.Equal(3, page.FindAll("[data-testid=event-kinds] button").Count));

        ChooseTrigger(page, "User Logout");

        page.WaitForAssertion(() => Assert.Equal(["logout"], page.FindAll("[data-testid=event-kinds] button").Select(b => b.TextContent.Trim())));
        Assert.Equal("A user signed out.", page.Find("[data-testid=event-kind-description]").TextContent.Trim());
    }

    [Fact]
    public void The_operations_trigger_lists_the_four_operational_events_each_with_its_own_fields()
    {
        var section = RenderOpen(WebhookTrigger.Operations);

        Assert.Equal(["webhook.failing", "webhook.disabled", "webhook.recovered", "delivery.exhausted"], KindButtons(section).Select(b => b.TextContent.Trim()));
        Assert.StartsWith("Every delivery of one of the company's webhooks has failed", section.Find("[data-testid=event-kind-description]").TextContent.Trim());
        Assert.All(new[] { "percent", "failingSince", "disableAt", "orders_to_erp" }, field => Assert.Contains(field, section.Find("[data-testid=event-example]").TextContent));

        KindButtons(section).Single(b => b.TextContent.Trim() == "delivery.exhausted").Click();

        section.WaitForAssertion(() => Assert.Equal("A delivery failed its last automatic attempt; it stays FAILED until it is resent.",
            section.Find("[data-testid=event-kind-description]").TextContent.Trim()));
        Assert.Contains("The last attempt's HTTP status; 0 when the receiver did not answer.", section.Find("[data-testid=event-fields]").TextContent);
    }

    private IRenderedComponent<EventCatalogueSection> RenderOpen(string trigger)
    {
        var section = Render<EventCatalogueSection>(p => p.Add(s => s.Trigger, trigger));
        section.Find(".mud-expand-panel-header").Click();
        section.WaitForAssertion(() => Assert.NotEmpty(section.FindAll("[data-testid=event-example]")));
        return section;
    }

    private static IReadOnlyList<IElement> KindButtons(IRenderedComponent<EventCatalogueSection> section) =>
        section.FindAll("[data-testid=event-kinds] button");
}
