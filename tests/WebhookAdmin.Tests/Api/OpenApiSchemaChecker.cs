using System.Text.Json;

namespace WebhookAdmin.Tests.Api;

/// <summary>
/// Checks a JSON value against a schema of an OpenAPI 3.x document: $ref, oneOf/anyOf/allOf, type (3.1 type arrays or
/// 3.0 nullable), properties, required, items and additionalProperties. Strict where it matters for drift: a property
/// the schema does not declare is an error unless the schema allows more (problem details may carry extensions).
/// </summary>
internal sealed class OpenApiSchemaChecker(JsonElement document)
{
    public IReadOnlyList<string> Check(JsonElement schema, JsonElement value, bool allowExtraProperties = false)
    {
        var errors = new List<string>();
        Check(schema, value, "$", allowExtraProperties, errors);
        return errors;
    }

    private void Check(JsonElement schema, JsonElement value, string at, bool allowExtra, List<string> errors)
    {
        schema = Resolve(schema);
        if (schema.TryGetProperty("allOf", out var allOf))
        {
            foreach (var part in allOf.EnumerateArray())
                Check(part, value, at, allowExtra: true, errors);
        }
        foreach (var alternatives in new[] { "oneOf", "anyOf" })
        {
            if (schema.TryGetProperty(alternatives, out var options))
            {
                if (!options.EnumerateArray().Any(option => Check(option, value, allowExtra).Count == 0))
                    errors.Add($"{at}: matches none of the {alternatives} alternatives");
                return;
            }
        }

        var types = Types(schema);
        if (types.Count > 0 && !types.Contains(KindOf(value)) && !(KindOf(value) == "integer" && types.Contains("number")))
        {
            errors.Add($"{at}: is {KindOf(value)}, the document says {string.Join(" or ", types)}");
            return;
        }
        switch (value.ValueKind)
        {
            case JsonValueKind.Array when schema.TryGetProperty("items", out var items):
                var i = 0;
                foreach (var item in value.EnumerateArray())
                    Check(items, item, $"{at}[{i++}]", allowExtra, errors);
                break;
            case JsonValueKind.Object:
                CheckObject(schema, value, at, allowExtra, errors);
                break;
        }
    }

    private void CheckObject(JsonElement schema, JsonElement value, string at, bool allowExtra, List<string> errors)
    {
        var declared = schema.TryGetProperty("properties", out var properties) ? properties : default;
        var extra = schema.TryGetProperty("additionalProperties", out var additional) ? additional : default;
        foreach (var property in value.EnumerateObject())
        {
            if (declared.ValueKind == JsonValueKind.Object && declared.TryGetProperty(property.Name, out var propertySchema))
                Check(propertySchema, property.Value, $"{at}.{property.Name}", allowExtra, errors);
            else if (extra.ValueKind == JsonValueKind.Object)
                Check(extra, property.Value, $"{at}.{property.Name}", allowExtra, errors);
            else if (!allowExtra && declared.ValueKind == JsonValueKind.Object && extra.ValueKind != JsonValueKind.True)
                errors.Add($"{at}.{property.Name}: not in the document");
        }
        if (schema.TryGetProperty("required", out var required))
        {
            foreach (var name in required.EnumerateArray().Select(r => r.GetString()!))
            {
                if (!value.TryGetProperty(name, out _))
                    errors.Add($"{at}.{name}: required by the document, missing from the answer");
            }
        }
    }

    public JsonElement Resolve(JsonElement schema)
    {
        while (schema.TryGetProperty("$ref", out var reference))
        {
            var path = reference.GetString()!.TrimStart('#', '/').Split('/');
            schema = path.Aggregate(document, (node, part) => node.GetProperty(part.Replace("~1", "/").Replace("~0", "~")));
        }
        return schema;
    }

    private static List<string> Types(JsonElement schema)
    {
        var types = new List<string>();
        if (schema.TryGetProperty("type", out var type))
        {
            if (type.ValueKind == JsonValueKind.Array)
                types.AddRange(type.EnumerateArray().Select(t => t.GetString()!));
            else
                types.Add(type.GetString()!);
        }
        if (types.Count > 0 && schema.TryGetProperty("nullable", out var nullable) && nullable.GetBoolean())
            types.Add("null");
        return types;
    }

    private static string KindOf(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => value.TryGetInt64(out _) ? "integer" : "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        _ => "null",
    };
}
