using MudBlazor;
using WebhookAdmin.Components.Tests.Support;
using WebhookAdmin.Core.Filters;
using WebhookAdmin.Core.Webhooks;
using WebhookAdmin.Features.Filters;

namespace WebhookAdmin.Components.Tests.Filters;

public sealed class FilterSectionTests : ComponentTest
{
    private Webhook _webhook = null!;

    private PayloadFilterService Filters => Get<PayloadFilterService>();

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var outcome = await Get<WebhookService>().CreateAsync(Acme, new WebhookDraft("CRM sync", "https://receiver.example/hook", WebhookTrigger.User));
        _webhook = ((WebhookOutcome.Saved)outcome).Webhook;
    }

    [Fact]
    public async Task Rows_typed_in_are_saved_as_the_filter_and_the_header_says_it_is_on()
    {
        var section = RenderOpen();

        section.Find("[data-testid=filter-add]").Click();
        section.Find("input[data-testid=filter-path]").Input("data.name.displayName");
        section.Find("input[data-testid=filter-value]").Change("Ana");
        section.Find("[data-testid=filter-add]").Click();
        section.FindAll("input[data-testid=filter-path]")[1].Input("data.age");
        section.FindAll("input[data-testid=filter-value]")[1].Change("30");
        section.Find("[data-testid=filter-save]").Click();

        section.WaitForAssertion(() => Assert.Contains(Get<ISnackbar>().ShownSnackbars, s => s.Message == "Filter saved: it applies to the next event."));
        var stored = Assert.IsType<FilterOutcome.Saved>(await Filters.GetAsync(Acme, _webhook.Id));
        Assert.Equal("""{"and":[{"path":"data.name.displayName","op":"eq","value":"Ana"},{"path":"data.age","op":"eq","value":30}]}""", stored.Filter!.ToJson());
        Assert.Contains("Payload filter · on (2 conditions)", section.Markup);
    }

    [Fact]
    public async Task A_broken_row_shows_its_error_under_the_field_and_nothing_is_stored()
    {
        await Filters.SaveAsync(Acme, _webhook.Id, """{"path":"data.n","op":"gte","value":2}""");
        var section = RenderOpen();
        section.WaitForElement("input[data-testid=filter-path]");

        section.Find("[data-testid=filter-add]").Click();
        section.FindAll("input[data-testid=filter-path]")[1].Input("status");
        section.Find("[data-testid=filter-save]").Click();

        section.WaitForAssertion(() => Assert.Contains("The path must be type, event, data", section.Markup));
        Assert.Contains("This operator needs a value.", section.Markup);
        var kept = Assert.IsType<FilterOutcome.Saved>(await Filters.GetAsync(Acme, _webhook.Id));
        Assert.Equal("""{"path":"data.n","op":"gte","value":2}""", kept.Filter!.ToJson());
    }

    [Fact]
    public async Task A_nested_filter_opens_as_json_and_saving_it_keeps_the_nesting()
    {
        const string Nested = """{"or":[{"path":"data.n","op":"gt","value":5},{"not":{"path":"event","op":"eq","value":"delete"}}]}""";
        await Filters.SaveAsync(Acme, _webhook.Id, Nested);
        var section = RenderOpen();

        section.WaitForElement("[data-testid=filter-nested]");
        Assert.Contains("\"not\"", section.Find("textarea[data-testid=filter-json]").TextContent);
        section.Find("[data-testid=filter-save]").Click();

        section.WaitForAssertion(() => Assert.Contains(Get<ISnackbar>().ShownSnackbars, s => s.Message == "Filter saved: it applies to the next event."));
        Assert.Equal(Nested, Assert.IsType<FilterOutcome.Saved>(await Filters.GetAsync(Acme, _webhook.Id)).Filter!.ToJson());
    }

    [Fact]
    public async Task Testing_marks_each_logged_event_would_send_or_would_skip()
    {
        var deliveries = new Deliveries(Context.Services);
        foreach (var status in new[] { "open", "done", "open" })
            await deliveries.PublishUserEditAsync(Acme, new { status });
        var section = RenderOpen();

        section.Find("[data-testid=filter-add]").Click();
        section.Find("input[data-testid=filter-path]").Input("data.status");
        section.Find("input[data-testid=filter-value]").Change("done");
        section.Find("[data-testid=filter-test]").Click();

        section.WaitForAssertion(() => Assert.Equal(3, section.FindAll("[data-testid=filter-result-row]").Count));
        Assert.Equal(["skip", "send", "skip"], section.FindAll("[data-testid=filter-result-row]").Select(r => r.GetAttribute("data-verdict")));
        Assert.Equal("1 would be sent, 2 skipped, of the last 3 logged events.", section.Find("[data-testid=filter-results-summary]").TextContent.Trim());
        Assert.Null(Assert.IsType<FilterOutcome.Saved>(await Filters.GetAsync(Acme, _webhook.Id)).Filter);
    }

    [Fact]
    public async Task Removing_every_row_and_saving_removes_the_filter()
    {
        await Filters.SaveAsync(Acme, _webhook.Id, """{"path":"data.n","op":"exists"}""");
        var section = RenderOpen();

        section.WaitForElement("[data-testid=filter-remove-row]").Click();
        section.Find("[data-testid=filter-save]").Click();

        section.WaitForAssertion(() => Assert.Contains(Get<ISnackbar>().ShownSnackbars, s => s.Message == "Filter removed: every event of the trigger is sent."));
        Assert.Null(Assert.IsType<FilterOutcome.Saved>(await Filters.GetAsync(Acme, _webhook.Id)).Filter);
        Assert.Contains("No condition: every event of the trigger is sent.", section.Markup);
    }

    [Fact]
    public void The_path_field_suggests_the_trigger_s_paths_from_the_catalogue()
    {
        var section = RenderOpen();

        section.Find("[data-testid=filter-add]").Click();
        section.Find("input[data-testid=filter-path]").Input("data.");

        Popovers.WaitForAssertion(() => Assert.Contains(Popovers.FindAll(".mud-popover-open .mud-list-item"), i => i.TextContent.StartsWith("data._id", StringComparison.Ordinal)));
        Assert.DoesNotContain(Popovers.FindAll(".mud-popover-open .mud-list-item"), i => i.TextContent.StartsWith("company", StringComparison.Ordinal));
    }

    [Fact]
    public void The_section_reads_in_spanish()
    {
        Culture = "es";
        ApplyCulture();
        var section = RenderOpen();

        Assert.Contains("Filtro de contenido", section.Markup);
        Assert.Contains("Sin condiciones: se envían todos los eventos del disparador.", section.Markup);
        Assert.Contains("Probar con los últimos 50 eventos", section.Markup);
    }

    private Bunit.IRenderedComponent<FilterSection> RenderOpen()
    {
        var section = Render<FilterSection>(p => p.Add(s => s.WebhookId, _webhook.Id).Add(s => s.Trigger, _webhook.Trigger));
        section.WaitForElement(".mud-expand-panel-header").Click();
        section.WaitForElement("[data-testid=filter-save]");
        return section;
    }
}
