using System.Globalization;
using System.Text.Json;
using System.Xml.Linq;
using Json.Schema;
using WebhookAdmin.Core.Events;
using WebhookAdmin.Core.Events.Catalogue;
using WebhookAdmin.Core.Notices;
using WebhookAdmin.Core.Webhooks;
using WebhookAdmin.Tests.Localization;
using WebhookAdmin.Tests.Support;

namespace WebhookAdmin.Tests.Catalogue;

public sealed class EventCatalogueTests : IDisposable
{
    private readonly CultureInfo _uiCulture = CultureInfo.CurrentUICulture;

    public void Dispose() => CultureInfo.CurrentUICulture = _uiCulture;

    public static TheoryData<string, string> Entries()
    {
        var entries = new TheoryData<string, string>();
        foreach (var entry in EventCatalogue.All)
            entries.Add(entry.Trigger, entry.Event);
        return entries;
    }

    [Fact]
    public void Every_trigger_has_one_entry_per_event_the_matcher_sends_it_and_no_other()
    {
        var sent = CotEventTypes.All
            .SelectMany(type => CotEventNames.All.Select(name => (Type: type, Name: name)))
            .Where(e => EventRules.Check(new CotEvent(e.Type, e.Name, JsonSerializer.SerializeToElement(new { }))).Count == 0)
            .SelectMany(e => EventMatcher.TriggersFor(e.Type, e.Name).Select(trigger => $"{trigger} {e.Type} {e.Name}"))
            .Concat(NoticeKinds.All.SelectMany(name => EventMatcher.TriggersFor(NoticeKinds.Type, name).Select(trigger => $"{trigger} {NoticeKinds.Type} {name}")));

        Assert.Equal(sent.Order(), EventCatalogue.All.Select(e => $"{e.Trigger} {e.Type} {e.Event}").Order());
        Assert.All(WebhookTrigger.All, t => Assert.NotEmpty(EventCatalogue.For(t.Value)));
        Assert.Equal(["logout"], EventCatalogue.For(WebhookTrigger.LogoutUser).Select(e => e.Event));
        Assert.Equal(["create", "edit", "delete"], EventCatalogue.For(WebhookTrigger.User).Select(e => e.Event));
        Assert.Equal(NoticeKinds.All, EventCatalogue.For(WebhookTrigger.Operations).Select(e => e.Event));
    }

    [Theory]
    [MemberData(nameof(Entries))]
    public void Every_schema_is_a_valid_draft_2020_12_schema(string trigger, string eventName)
    {
        var schema = EventCatalogue.Find(trigger, eventName)!.Schema;

        Assert.Equal("https://json-schema.org/draft/2020-12/schema", schema.GetProperty("$schema").GetString());
        Assert.True(MetaSchemas.Draft202012.Evaluate(schema).IsValid);
    }

    [Theory]
    [MemberData(nameof(Entries))]
    public void Every_example_is_valid_against_its_schema_and_is_the_body_a_receiver_gets(string trigger, string eventName)
    {
        var entry = EventCatalogue.Find(trigger, eventName)!;

        Assert.Empty(BodySchema.Errors(entry.Schema, entry.Example));
        Assert.Equal(["company", "type", "extraData", "createdAt", "data", "event"], entry.Example.EnumerateObject().Select(p => p.Name));
        Assert.Equal((entry.Type, eventName), (entry.Example.GetProperty("type").GetString(), entry.Example.GetProperty("event").GetString()));
    }

    [Fact]
    public void A_schema_refuses_a_body_of_another_kind_or_without_its_record_s_id()
    {
        var entry = EventCatalogue.Find(WebhookTrigger.Task, CotEventNames.Create)!;
        var otherEvent = Changed(entry.Example, body => body["event"] = "edit");
        var noId = Changed(entry.Example, body => body["data"]!.AsObject().Remove("_id"));
        var extraField = Changed(entry.Example, body => body["subscription"] = "62685990d918fb5557f9f992");

        Assert.All(new[] { otherEvent, noId, extraField }, body => Assert.NotEmpty(BodySchema.Errors(entry.Schema, body)));
    }

    [Fact]
    public void Only_the_task_creation_is_documented_and_its_example_is_the_product_documents_sample()
    {
        var documented = Assert.Single(EventCatalogue.All, e => e.Source == ExampleSource.Documented);
        var body = documented.Example;

        Assert.Equal((WebhookTrigger.Task, "create"), (documented.Trigger, documented.Event));
        Assert.Equal(("625bcbdcc9a8e3a86dbf041c", JsonValueKind.Null, "2022-05-05T19:54:29.924Z"),
            (body.GetProperty("company").GetString(), body.GetProperty("extraData").ValueKind, body.GetProperty("createdAt").GetString()));
        var data = body.GetProperty("data");
        Assert.Equal(("62742b7562f37034d9399914", " Equipment sector 1 - Equipment 1-A", "6261612a8f1e99002e5c8cce", 5, 42),
            (data.GetProperty("_id").GetString(), data.GetProperty("name").GetString(), data.GetProperty("taskGroup").GetString(),
                data.GetProperty("serial").GetInt32(), data.EnumerateObject().Count()));
    }

    [Fact]
    public void An_edit_example_is_the_created_record_with_a_few_fields_changed_except_a_user_s_which_carries_only_them()
    {
        var created = EventCatalogue.Find(WebhookTrigger.Task, CotEventNames.Create)!.Example.GetProperty("data");
        var edited = EventCatalogue.Find(WebhookTrigger.Task, CotEventNames.Edit)!.Example.GetProperty("data");
        var userEdit = EventCatalogue.Find(WebhookTrigger.User, CotEventNames.Edit)!.Example.GetProperty("data");

        Assert.Equal(created.EnumerateObject().Select(p => p.Name), edited.EnumerateObject().Select(p => p.Name));
        Assert.Equal(created.GetProperty("_id").GetString(), edited.GetProperty("_id").GetString());
        Assert.NotEqual(created.GetProperty("status").GetString(), edited.GetProperty("status").GetString());
        Assert.Equal(["_id", "name", "avatar"], userEdit.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public void Paths_of_a_trigger_start_with_type_and_event_then_every_field_by_path_with_arrays_unindexed()
    {
        var paths = EventCatalogue.PathsFor(WebhookTrigger.Task);

        Assert.Equal(["type", "event"], paths.Take(2).Select(p => p.Path));
        Assert.Equal(paths.Skip(2).Select(p => p.Path).Order(StringComparer.Ordinal), paths.Skip(2).Select(p => p.Path));
        Assert.Equal(paths.Count, paths.Select(p => p.Path).Distinct().Count());
        Assert.Contains(new EventPath("data.answers", "array", "The surveys answered in the task."), paths);
        Assert.Contains(paths, p => p.Path == "data.public.title" && p.JsonType == "string" && p.Description is null);
        Assert.Contains(paths, p => p.Path == "data.closedAt" && p.JsonType == "string|null");
        Assert.Contains(paths, p => p.Path == "extraData" && p.JsonType == "object|null");
        Assert.Equal("string", paths.Single(p => p.Path == "type").JsonType);
        Assert.DoesNotContain(paths, p => p.Path.Contains('[') || p.Path.Contains("items", StringComparison.Ordinal));
        Assert.Contains(EventCatalogue.PathsFor(WebhookTrigger.Property), p => p.Path == "data.name.display" && p.JsonType == "string");
        Assert.Empty(EventCatalogue.PathsFor("create-edit-delete-nothing"));
    }

    [Fact]
    public void Paths_are_described_in_the_reader_s_language_and_schemas_always_in_english()
    {
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("es-CL");

        var id = EventCatalogue.PathsFor(WebhookTrigger.Note).Single(p => p.Path == "data._id");
        var entry = EventCatalogue.Find(WebhookTrigger.Note, CotEventNames.Create)!;

        Assert.Equal("El id del registro.", id.Description);
        Assert.Equal("Se escribió una nota.", entry.Description);
        Assert.Equal("The record's id.", entry.Schema.GetProperty("properties").GetProperty("data").GetProperty("properties")
            .GetProperty("_id").GetProperty("description").GetString());
    }

    /// <summary>A described field that no schema has any more would never be shown: its text is stale.</summary>
    [Fact]
    public void Every_text_of_the_catalogue_describes_a_kind_or_field_that_exists()
    {
        var keys = XDocument.Load(Path.Combine(SourceTree.Root, "src", "WebhookAdmin.Core", "Events", "Catalogue", "EventCatalogueText.resx"))
            .Root!.Elements("data").Select(d => (string)d.Attribute("name")!).ToList();
        var used = EventCatalogue.All.Select(e => e.DescriptionKey)
            .Concat(EventCatalogue.All.SelectMany(e => EventCatalogue.PathsFor(e.Trigger).Select(p => $"Field_{e.Type}_{p.Path}")))
            .Concat(EventCatalogue.All.SelectMany(e => EventCatalogue.PathsFor(e.Trigger).Select(p => $"Field_{p.Path}")))
            .ToHashSet();

        Assert.All(keys, key => Assert.Contains(key, used));
    }

    [Theory]
    [MemberData(nameof(Triggers))]
    public void A_test_event_is_the_trigger_s_example_with_the_webhook_s_ids_and_fresh_times(string trigger)
    {
        var clock = new FixedClock(new DateTimeOffset(2026, 11, 28, 10, 30, 0, TimeSpan.Zero));
        var webhook = new Webhook
        {
            Id = "62685990d918fb5557f9f992", CompanyId = Ids.Acme, Name = "Sample", Code = "sample", Url = "https://receiver.example", Trigger = trigger,
            Context = new WebhookContext(Survey: Ids.Survey, Group: Ids.Group, TaskGroup: Ids.Workflow),
        };

        var sample = SampleEvents.For(webhook, clock);
        var body = JsonDocument.Parse(CotEventJson.Write(Ids.Acme, sample, clock.GetUtcNow().UtcDateTime)).RootElement;
        var entry = EventCatalogue.Find(trigger, sample.Event!)!;
        var data = body.GetProperty("data");
        var example = entry.Example.GetProperty("data");

        Assert.Empty(BodySchema.Errors(entry.Schema, body));
        Assert.True(SampleEvents.IsTest(body.GetRawText()));
        Assert.Equal(example.EnumerateObject().Select(p => p.Name), data.EnumerateObject().Select(p => p.Name));
        if (trigger == WebhookTrigger.Operations)
        {
            // About the webhook itself, its times as far apart as the example's, the event's moment now.
            Assert.Equal((webhook.Id, "Sample"), (data.GetProperty("webhook").GetProperty("_id").GetString(), data.GetProperty("webhook").GetProperty("name").GetString()));
            Assert.Equal(("2026-11-25T22:30:00.000Z", "2026-11-30T22:30:00.000Z"),
                (data.GetProperty("failingSince").GetString(), data.GetProperty("disableAt").GetString()));
        }
        else
        {
            Assert.NotEqual(example.GetProperty("_id").GetString(), data.GetProperty("_id").GetString());
        }
        Assert.All(data.EnumerateObject().Where(p => p.Name is "createdAt" or "modifiedAt" or "lastLogoutAt"),
            p => Assert.Equal("2026-11-28T10:30:00.000Z", p.Value.GetString()));
        if (data.TryGetProperty("company", out var company))
            Assert.Equal(Ids.Acme, company.GetString());
        string[] expected = trigger switch
        {
            WebhookTrigger.Task => [Ids.Workflow],
            WebhookTrigger.Survey => [Ids.Survey, Ids.Group],
            _ => [],
        };
        Assert.Equal(expected, new[] { "taskGroup", "survey", "group" }.Where(f => data.TryGetProperty(f, out _)).Select(f => data.GetProperty(f).GetString()));
    }

    public static TheoryData<string> Triggers() => [.. WebhookTrigger.All.Select(t => t.Value)];

    private static JsonElement Changed(JsonElement body, Action<System.Text.Json.Nodes.JsonObject> change)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(body.GetRawText())!.AsObject();
        change(node);
        return JsonSerializer.SerializeToElement(node);
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
