using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using WebhookAdmin.Core.Webhooks;

namespace WebhookAdmin.Core.Events.Catalogue;

/// <summary>
/// What each trigger sends: one entry per (trigger, event name) the trigger takes (as <see cref="EventMatcher"/> decides),
/// with a JSON Schema of the whole body and an example of it. Read by the settings panel, <c>GET event-types</c>, the
/// test event and the payload filter's path suggestions.
/// </summary>
/// <remarks>
/// Each event type's file (<c>Types/COTTask.json</c>, embedded) holds its <c>data</c> schema and one example per event
/// name (with its own <c>schema</c> where its data differs by event, as <c>COTOperations</c>' do): either whole (<c>data</c>) or as the fields that differ from the <c>create</c> example (<c>changes</c>), as an
/// edit or a deactivation changes a few fields of the same record. A user edit is whole: it carries only the edited
/// fields, as the documented user log sample shows. Only the COTTask <c>create</c> example is documented; the operational
/// events (<c>COTOperations</c>) are WebhookAdmin's own.
/// </remarks>
public static class EventCatalogue
{
    /// <summary>The examples' company: the one of the documented COTTask sample.</summary>
    public const string ExampleCompany = "625bcbdcc9a8e3a86dbf041c";

    private static readonly Lazy<IReadOnlyList<EventCatalogueEntry>> Entries = new(Load);

    private static readonly Lazy<IReadOnlyDictionary<string, (string Path, string JsonType, string? Key)[]>> Paths = new(() =>
        WebhookTrigger.All.ToDictionary(t => t.Value, t => PathsOf(For(t.Value))));

    /// <summary>Every entry, in the admin panel's order of triggers, then create, edit, delete, logout.</summary>
    public static IReadOnlyList<EventCatalogueEntry> All => Entries.Value;

    /// <summary>The entries of <paramref name="trigger"/>; none for a value that is not a trigger.</summary>
    public static IReadOnlyList<EventCatalogueEntry> For(string trigger) => [.. All.Where(e => e.Trigger == trigger)];

    public static EventCatalogueEntry? Find(string trigger, string eventName) =>
        All.FirstOrDefault(e => e.Trigger == trigger && e.Event == eventName);

    /// <summary>
    /// The fields a filter on <paramref name="trigger"/>'s bodies can name: the union over its event kinds, <c>type</c>
    /// and <c>event</c> first, then by path. Descriptions in the current UI language.
    /// </summary>
    public static IReadOnlyList<EventPath> PathsFor(string trigger) =>
        Paths.Value.TryGetValue(trigger, out var paths)
            ? [.. paths.Select(p => new EventPath(p.Path, p.JsonType, p.Key is null ? null : EventCatalogueText.Find(p.Key)))]
            : [];

    /// <summary>The event names a trigger takes: the matcher's answer, without the <c>logout</c> only users have.</summary>
    public static IReadOnlyList<string> EventNamesOf(WebhookTrigger trigger) => trigger.Value == WebhookTrigger.Operations
        ? Notices.NoticeKinds.All
        : [.. CotEventNames.All.Where(name => (name != CotEventNames.Logout || trigger.EventType == CotEventTypes.User)
            && EventMatcher.TriggersFor(trigger.EventType, name).Contains(trigger.Value))];

    private static (string, string, string?)[] PathsOf(IReadOnlyList<EventCatalogueEntry> entries)
    {
        var first = new[] { "type", "event" };
        return [.. entries
            .SelectMany(e => EventSchemas.Fields(e.Type, e.Schema))
            .DistinctBy(p => p.Path)
            .OrderBy(p => Array.IndexOf(first, p.Path) is var i and >= 0 ? i : first.Length)
            .ThenBy(p => p.Path, StringComparer.Ordinal)];
    }

    private static IReadOnlyList<EventCatalogueEntry> Load()
    {
        var types = CotEventTypes.All.Append(Notices.NoticeKinds.Type).ToDictionary(t => t, ReadType);
        return [.. WebhookTrigger.All.SelectMany(trigger => EventNamesOf(trigger).Select(name => Entry(trigger, name, types[trigger.EventType])))];
    }

    private static EventCatalogueEntry Entry(WebhookTrigger trigger, string eventName, JsonObject file)
    {
        var examples = file["examples"]!.AsObject();
        var example = examples[eventName]?.AsObject()
            ?? throw new InvalidOperationException($"The catalogue of {trigger.EventType} has no '{eventName}' example.");
        var data = example["data"]?.DeepClone().AsObject() ?? Changed(examples["create"]!["data"]!.AsObject(), example["changes"]!.AsObject());
        var createdAt = DateTime.Parse(example["createdAt"]!.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
        var body = CotEventJson.WriteUtf8(ExampleCompany, new CotEvent(trigger.EventType, eventName, JsonSerializer.SerializeToElement(data)), createdAt);
        // An operational event's data differs by event, so each example carries its own schema; a record type's is shared.
        var schema = EventSchemas.Body(trigger.EventType, eventName, (example["schema"] ?? file["schema"])!.DeepClone().AsObject());
        var source = example["source"]!.GetValue<string>() == "documented" ? ExampleSource.Documented : ExampleSource.Written;
        return new EventCatalogueEntry(trigger.Value, trigger.EventType, eventName, source,
            JsonSerializer.SerializeToElement(schema), JsonDocument.Parse(body).RootElement.Clone());
    }

    /// <summary>The <c>create</c> record with some fields replaced, in their places.</summary>
    private static JsonObject Changed(JsonObject created, JsonObject changes)
    {
        var data = created.DeepClone().AsObject();
        foreach (var (name, value) in changes)
            data[name] = value?.DeepClone();
        return data;
    }

    private static JsonObject ReadType(string type)
    {
        using var stream = typeof(EventCatalogue).Assembly.GetManifestResourceStream($"EventCatalogue.{type}.json")
            ?? throw new InvalidOperationException($"The event catalogue has no file for {type}.");
        return JsonNode.Parse(stream)!.AsObject();
    }
}
