using System.Text.Json;
using System.Text.Json.Nodes;

namespace WebhookAdmin.Core.Events.Catalogue;

/// <summary>
/// Builds an entry's schema of the whole body around its type's <c>data</c> schema, and reads the fields back out of it.
/// The body's envelope is fixed by <see cref="CotEventJson"/>: the same six fields for every event, none other.
/// </summary>
internal static class EventSchemas
{
    public const string Dialect = "https://json-schema.org/draft/2020-12/schema";

    private static readonly string[] BodyFields = ["company", "type", "extraData", "createdAt", "data", "event"];

    public static JsonObject Body(string type, string eventName, JsonObject data)
    {
        var schema = new JsonObject
        {
            ["$schema"] = Dialect,
            ["title"] = $"{type} {eventName}",
            ["description"] = EventCatalogueText.English($"Kind_{type}_{eventName}"),
            ["type"] = "object",
            ["required"] = new JsonArray([.. BodyFields.Select(f => (JsonNode)f)]),
            ["properties"] = new JsonObject
            {
                ["company"] = Ref("objectId"),
                ["type"] = new JsonObject { ["const"] = type },
                ["extraData"] = new JsonObject { ["type"] = new JsonArray("object", "null") },
                ["createdAt"] = Ref("timestamp"),
                ["data"] = data,
                ["event"] = new JsonObject { ["const"] = eventName },
            },
            ["additionalProperties"] = false,
            ["$defs"] = new JsonObject
            {
                ["objectId"] = new JsonObject { ["type"] = "string", ["pattern"] = "^[0-9a-fA-F]{24}$" },
                ["timestamp"] = new JsonObject { ["type"] = "string", ["format"] = "date-time" },
            },
        };
        Describe(type, schema, "");
        return schema;
    }

    /// <summary>Every field the schema declares, depth first, with its JSON type and its description key (null when it has none).</summary>
    public static IEnumerable<(string Path, string JsonType, string? Key)> Fields(string type, JsonElement schema)
    {
        var definitions = schema.GetProperty("$defs");
        return Walk(schema, "");

        IEnumerable<(string, string, string?)> Walk(JsonElement node, string prefix)
        {
            if (!node.TryGetProperty("properties", out var properties))
                yield break;
            foreach (var property in properties.EnumerateObject())
            {
                var path = prefix.Length == 0 ? property.Name : $"{prefix}.{property.Name}";
                yield return (path, JsonTypeOf(property.Value, definitions), DescriptionKey(type, path));
                foreach (var child in Walk(property.Value, path))
                    yield return child;
            }
        }
    }

    /// <summary>The resource key describing <paramref name="path"/>: the type's own (<c>Field_COTTask_data.name</c>) before the shared one (<c>Field_data._id</c>).</summary>
    public static string? DescriptionKey(string type, string path) =>
        new[] { $"Field_{type}_{path}", $"Field_{path}" }.FirstOrDefault(key => EventCatalogueText.English(key) is not null);

    private static JsonObject Ref(string definition) => new() { ["$ref"] = $"#/$defs/{definition}" };

    private static void Describe(string type, JsonObject schema, string prefix)
    {
        if (schema["properties"] is not JsonObject properties)
            return;
        foreach (var (name, value) in properties)
        {
            if (value is not JsonObject property)
                continue;
            var path = prefix.Length == 0 ? name : $"{prefix}.{name}";
            if (DescriptionKey(type, path) is { } key)
                property["description"] = EventCatalogueText.English(key);
            Describe(type, property, path);
        }
    }

    /// <summary><c>string</c>, <c>integer</c>, <c>object|null</c>: from <c>type</c>, a <c>const</c>'s value, a <c>$ref</c> or the alternatives of <c>oneOf</c>.</summary>
    private static string JsonTypeOf(JsonElement schema, JsonElement definitions)
    {
        if (schema.TryGetProperty("$ref", out var reference))
            return JsonTypeOf(definitions.GetProperty(reference.GetString()!.Split('/')[^1]), definitions);
        if (schema.TryGetProperty("type", out var type))
            return type.ValueKind == JsonValueKind.Array ? string.Join('|', type.EnumerateArray().Select(t => t.GetString())) : type.GetString()!;
        if (schema.TryGetProperty("const", out var constant))
            return constant.ValueKind switch
            {
                JsonValueKind.String => "string",
                JsonValueKind.Number => "number",
                JsonValueKind.True or JsonValueKind.False => "boolean",
                _ => "null",
            };
        if (schema.TryGetProperty("oneOf", out var alternatives))
            return string.Join('|', alternatives.EnumerateArray().Select(a => JsonTypeOf(a, definitions)).Distinct());
        return "any";
    }
}
