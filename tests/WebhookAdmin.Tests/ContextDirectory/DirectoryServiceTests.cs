using System.Globalization;
using WebhookAdmin.Core.ContextDirectory;
using WebhookAdmin.Core.Webhooks;
using WebhookAdmin.Tests.Support;

namespace WebhookAdmin.Tests.ContextDirectory;

public sealed class DirectoryServiceTests : DatabaseTest
{
    private const string WorkOrders = "6261612a8f1e99002e5c8cce";
    private const string Inspections = "6261612a8f1e99002e5c8ccf";
    private const string Audits = "6261612a8f1e99002e5c8cd0";

    private DirectoryService Directory => Get<DirectoryService>();

    [Fact]
    public async Task Put_creates_an_entry_then_renames_it_in_place()
    {
        var created = await Saved(Directory.PutAsync(Ids.Acme, ContextField.Workflow, WorkOrders, "Work orders"));
        var renamed = await Saved(Directory.PutAsync(Ids.Acme, ContextField.Workflow, WorkOrders.ToUpperInvariant(), "Work orders (EU)"));

        Assert.True(created.Created);
        Assert.False(renamed.Created);
        Assert.Equal(WorkOrders, renamed.Entry.Id);
        Assert.True(renamed.Entry.ModifiedAt >= created.Entry.ModifiedAt);
        var all = await Directory.SearchAsync(Ids.Acme, ContextField.Workflow, null);
        Assert.Equal([(WorkOrders, "Work orders (EU)")], all.Select(e => (e.Id, e.Name)));
    }

    [Fact]
    public async Task Names_are_stored_trimmed()
    {
        var saved = await Saved(Directory.PutAsync(Ids.Acme, ContextField.Survey, Inspections, "  Inspections  "));

        Assert.Equal("Inspections", saved.Entry.Name);
    }

    [Theory]
    [InlineData(null, "Name is required.")]
    [InlineData("   ", "Name is required.")]
    [InlineData("Work\norders", "Name must be one line of text, without tabs, line breaks or other control characters.")]
    [InlineData("Work\torders", "Name must be one line of text, without tabs, line breaks or other control characters.")]
    [InlineData("Work\0orders", "Name must be one line of text, without tabs, line breaks or other control characters.")]
    public async Task A_missing_or_multi_line_name_is_refused_and_nothing_is_stored(string? name, string message)
    {
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("en");

        var outcome = await Directory.PutAsync(Ids.Acme, ContextField.Workflow, WorkOrders, name);

        Assert.Equal(message, Assert.IsType<DirectoryOutcome.Invalid>(outcome).Message);
        Assert.Empty(await Directory.SearchAsync(Ids.Acme, ContextField.Workflow, null));
    }

    [Fact]
    public async Task A_name_of_200_characters_is_kept_and_one_of_201_is_refused()
    {
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("es-CL");

        var longest = await Directory.PutAsync(Ids.Acme, ContextField.Group, Audits, new string('n', 200));
        var tooLong = await Directory.PutAsync(Ids.Acme, ContextField.Group, Audits, new string('n', 201));

        Assert.IsType<DirectoryOutcome.Saved>(longest);
        Assert.Equal("El nombre puede tener como máximo 200 caracteres.", Assert.IsType<DirectoryOutcome.Invalid>(tooLong).Message);
    }

    [Fact]
    public async Task Search_matches_any_part_of_the_name_in_any_case_accents_included_or_the_start_of_the_id_ordered_by_name()
    {
        await Directory.PutAsync(Ids.Acme, ContextField.Workflow, WorkOrders, "Órdenes de trabajo");
        await Directory.PutAsync(Ids.Acme, ContextField.Workflow, Inspections, "inspecciones de trabajo");
        await Directory.PutAsync(Ids.Acme, ContextField.Workflow, Audits, "Auditorías");

        Assert.Equal(["inspecciones de trabajo", "Órdenes de trabajo"], await Names("TRABAJO"));
        Assert.Equal(["Órdenes de trabajo"], await Names("órdenes"));
        Assert.Equal(["Órdenes de trabajo"], await Names("ordenes"));
        Assert.Equal(["Auditorías"], await Names("AUDITORIAS"));
        Assert.Equal(["Auditorías"], await Names("6261612a8f1e99002e5c8cd"));
        Assert.Equal(["Auditorías", "inspecciones de trabajo", "Órdenes de trabajo"], await Names(""));
        Assert.Empty(await Names("99002e5c8cd0"));
    }

    [Fact]
    public async Task Search_takes_percent_and_underscore_literally()
    {
        await Directory.PutAsync(Ids.Acme, ContextField.Survey, WorkOrders, "100% checked");
        await Directory.PutAsync(Ids.Acme, ContextField.Survey, Inspections, "site_visit");
        await Directory.PutAsync(Ids.Acme, ContextField.Survey, Audits, "sitexvisit");

        Assert.Equal(["100% checked"], await Names("%", ContextField.Survey));
        Assert.Equal(["site_visit"], await Names("_", ContextField.Survey));
    }

    [Fact]
    public async Task Search_answers_bounded_pages_in_name_order()
    {
        for (var i = 0; i < 120; i++)
            await Directory.PutAsync(Ids.Acme, ContextField.Group, $"{i:x24}", $"Group {i:000}");

        var first = await Directory.SearchAsync(Ids.Acme, ContextField.Group, "group", take: 1000);
        var second = await Directory.SearchAsync(Ids.Acme, ContextField.Group, "group", skip: 100, take: 100);

        Assert.Equal(DirectoryService.MaxLimit, first.Count);
        Assert.Equal("Group 000", first[0].Name);
        Assert.Equal(Enumerable.Range(100, 20).Select(i => $"Group {i:000}"), second.Select(e => e.Name));
    }

    [Fact]
    public async Task Each_kind_is_a_directory_of_its_own()
    {
        await Directory.PutAsync(Ids.Acme, ContextField.Workflow, WorkOrders, "Work orders");
        await Directory.PutAsync(Ids.Acme, ContextField.Survey, WorkOrders, "Site survey");

        Assert.Equal(["Work orders"], await Names("", ContextField.Workflow));
        Assert.Equal(["Site survey"], await Names("", ContextField.Survey));
        Assert.Empty(await Names("", ContextField.Group));
    }

    [Fact]
    public async Task One_company_never_reads_renames_or_deletes_another_companys_entries()
    {
        await Directory.PutAsync(Ids.Acme, ContextField.Workflow, WorkOrders, "Acme work orders");

        var globexSearch = await Directory.SearchAsync(Ids.Globex, ContextField.Workflow, "work");
        var globexNames = await Directory.NamesAsync(Ids.Globex, ContextField.Workflow, [WorkOrders]);
        var globexDelete = await Directory.DeleteAsync(Ids.Globex, ContextField.Workflow, WorkOrders);
        var globexPut = await Saved(Directory.PutAsync(Ids.Globex, ContextField.Workflow, WorkOrders, "Globex work orders"));

        Assert.Empty(globexSearch);
        Assert.Empty(globexNames);
        Assert.False(globexDelete);
        Assert.True(globexPut.Created);
        Assert.Equal(["Acme work orders"], await Names("", ContextField.Workflow));
    }

    [Fact]
    public async Task Delete_forgets_the_entry_and_says_whether_there_was_one()
    {
        await Directory.PutAsync(Ids.Acme, ContextField.Workflow, WorkOrders, "Work orders");

        Assert.True(await Directory.DeleteAsync(Ids.Acme, ContextField.Workflow, WorkOrders));
        Assert.False(await Directory.DeleteAsync(Ids.Acme, ContextField.Workflow, WorkOrders));
        Assert.Empty(await Directory.NamesAsync(Ids.Acme, ContextField.Workflow, [WorkOrders]));
    }

    [Fact]
    public async Task Puts_racing_to_create_one_entry_leave_one_entry()
    {
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Directory.PutAsync(Ids.Acme, ContextField.Workflow, WorkOrders, $"Name {i}")));

        Assert.All(outcomes, o => Assert.IsType<DirectoryOutcome.Saved>(o));
        Assert.Single(await Directory.SearchAsync(Ids.Acme, ContextField.Workflow, null));
    }

    private async Task<List<string>> Names(string search, ContextField kind = ContextField.Workflow) =>
        (await Directory.SearchAsync(Ids.Acme, kind, search)).Select(e => e.Name).ToList();

    private static async Task<DirectoryOutcome.Saved> Saved(Task<DirectoryOutcome> put) => Assert.IsType<DirectoryOutcome.Saved>(await put);
}
