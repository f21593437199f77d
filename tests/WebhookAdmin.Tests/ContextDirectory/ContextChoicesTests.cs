using WebhookAdmin.Core.ContextDirectory;
using WebhookAdmin.Core.Webhooks;
using WebhookAdmin.Tests.Support;

namespace WebhookAdmin.Tests.ContextDirectory;

/// <summary>What the settings panel's pickers offer: named directory entries, and the ids webhooks use, named when known.</summary>
public sealed class ContextChoicesTests : DatabaseTest
{
    private const string Named = "6261612a8f1e99002e5c8c01";
    private const string UsedUnnamed = "6261612a8f1e99002e5c8c02";

    private ContextChoices Choices => Get<ContextChoices>();
    private DirectoryService Directory => Get<DirectoryService>();
    private WebhookService Webhooks => Get<WebhookService>();

    [Fact]
    public async Task A_name_finds_its_entry_and_the_choice_carries_id_and_name()
    {
        await Directory.PutAsync(Ids.Acme, ContextField.Workflow, Named, "Work orders");

        var choices = await Choices.SearchAsync(Ids.Acme, ContextField.Workflow, "work");

        Assert.Equal([new NamedContext(Named, "Work orders")], choices);
    }

    [Fact]
    public async Task Ids_webhooks_already_use_are_still_offered_by_id_alone_after_the_named_entries()
    {
        await Directory.PutAsync(Ids.Acme, ContextField.Workflow, Named, "Work orders");
        await Webhooks.CreateAsync(Ids.Acme, Drafts.Task("Unnamed workflow", workflow: UsedUnnamed));
        await Webhooks.CreateAsync(Ids.Acme, Drafts.Task("Named workflow", workflow: Named));

        var all = await Choices.SearchAsync(Ids.Acme, ContextField.Workflow, "");
        var byId = await Choices.SearchAsync(Ids.Acme, ContextField.Workflow, "6261612a8f1e99002e5c8c0");

        Assert.Equal([new NamedContext(Named, "Work orders"), new NamedContext(UsedUnnamed, null)], all);
        Assert.Equal(all, byId);
    }

    [Fact]
    public async Task A_used_id_keeps_its_name_even_when_a_full_page_of_other_names_comes_first()
    {
        for (var i = 0; i < ContextChoices.Limit; i++)
            await Directory.PutAsync(Ids.Acme, ContextField.Survey, $"6261612a8f1e99002e5d{i:x4}", $"A survey {i:00}");
        var late = "6261612a8f1e99002e5e0000";
        await Directory.PutAsync(Ids.Acme, ContextField.Survey, late, "Zz last survey");
        await Webhooks.CreateAsync(Ids.Acme, Drafts.Survey(survey: late));

        var choices = await Choices.SearchAsync(Ids.Acme, ContextField.Survey, "6261612a");

        Assert.Equal(ContextChoices.Limit, choices.Count);
        Assert.Equal(new NamedContext(late, "Zz last survey"), choices[^1]);
    }

    [Fact]
    public async Task Another_companys_names_and_ids_are_never_offered()
    {
        await Directory.PutAsync(Ids.Globex, ContextField.Workflow, Named, "Globex work orders");
        await Webhooks.CreateAsync(Ids.Globex, Drafts.Task("Globex", workflow: UsedUnnamed));

        Assert.Empty(await Choices.SearchAsync(Ids.Acme, ContextField.Workflow, ""));
        Assert.Null(await Choices.NameOfAsync(Ids.Acme, ContextField.Workflow, Named));
        Assert.Equal("Globex work orders", await Choices.NameOfAsync(Ids.Globex, ContextField.Workflow, Named.ToUpperInvariant()));
    }
}
