using System.Text.Json;

namespace WebhookAdmin.Core.Filters;

/// <param name="Location">Where in the filter: <c>""</c> for the whole of it, <c>and[2].value</c>, <c>not.path</c>…</param>
public sealed record FilterError(string Location, string Message);

/// <summary>A filter read from JSON: the filter when it keeps every rule, else every broken rule with where it is.</summary>
public sealed record FilterParse(PayloadFilter? Filter, IReadOnlyList<FilterError> Errors)
{
    public bool IsValid => Filter is not null;
}

/// <summary>
/// Reads a payload filter: <c>{"path": "data.status", "op": "eq", "value": "done"}</c>, or <c>{"and": [...]}</c>,
/// <c>{"or": [...]}</c>, <c>{"not": {...}}</c> around such conditions. Every broken rule is reported, each where it is,
/// so the panel can put the message under its row and the API can name the field.
/// </summary>
public static class PayloadFilterParser
{
    public const int MaxConditions = 50;
    public const int MaxDepth = 8;
    public const int MaxListValues = 100;
    public const int MaxStringLength = 1000;
    public const int MaxJsonBytes = 16 * 1024;

    private static readonly Microsoft.Extensions.Localization.IStringLocalizer Text = FilterText.Localizer;

    public static FilterParse Parse(string json)
    {
        if (System.Text.Encoding.UTF8.GetByteCount(json) > MaxJsonBytes)
            return Refused("", Say("TooLarge", MaxJsonBytes / 1024));
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 2 * MaxDepth + 4 });
            return Parse(document.RootElement);
        }
        catch (JsonException e)
        {
            return Refused("", Say("NotJson", e.Message));
        }
    }

    public static FilterParse Parse(JsonElement json)
    {
        var errors = new List<FilterError>();
        var filter = Node(json, "", 1, errors);
        if (errors.Count == 0 && filter!.Conditions > MaxConditions)
            errors.Add(new FilterError("", Say("TooManyConditions", MaxConditions)));
        return errors.Count == 0 ? new FilterParse(filter, []) : new FilterParse(null, errors);
    }

    private static FilterParse Refused(string location, string message) => new(null, [new FilterError(location, message)]);

    private static PayloadFilter? Node(JsonElement json, string location, int depth, List<FilterError> errors)
    {
        if (json.ValueKind != JsonValueKind.Object)
            return Fail<PayloadFilter>(errors, location, Say("NotAnObject"));
        if (depth > MaxDepth)
            return Fail<PayloadFilter>(errors, location, Say("TooDeep", MaxDepth));
        var names = json.EnumerateObject().Select(p => p.Name).ToArray();
        if (names.FirstOrDefault(n => n is not ("and" or "or" or "not" or "path" or "op" or "value")) is { } unknown)
            return Fail<PayloadFilter>(errors, At(location, unknown), Say("UnknownField", unknown));
        var kinds = names.Count(n => n is "and" or "or" or "not") + (names.Any(n => n is "path" or "op" or "value") ? 1 : 0);
        if (kinds != 1)
            return Fail<PayloadFilter>(errors, location, Say("OneKind"));
        if (json.TryGetProperty("and", out var and))
            return List(and, At(location, "and"), depth, errors) is { } all ? new AllOfFilter(all) : null;
        if (json.TryGetProperty("or", out var or))
            return List(or, At(location, "or"), depth, errors) is { } any ? new AnyOfFilter(any) : null;
        if (json.TryGetProperty("not", out var not))
            return Node(not, At(location, "not"), depth + 1, errors) is { } inner ? new NotFilter(inner) : null;
        return Condition(json, location, errors);
    }

    private static IReadOnlyList<PayloadFilter>? List(JsonElement json, string location, int depth, List<FilterError> errors)
    {
        if (json.ValueKind != JsonValueKind.Array || json.GetArrayLength() == 0)
            return Fail<IReadOnlyList<PayloadFilter>>(errors, location, Say("ListEmpty", location.Split('.')[^1]));
        if (json.GetArrayLength() > MaxConditions)
            return Fail<IReadOnlyList<PayloadFilter>>(errors, location, Say("TooManyConditions", MaxConditions));
        var parts = json.EnumerateArray().Select((item, i) => Node(item, $"{location}[{i}]", depth + 1, errors)).ToArray();
        return parts.Any(p => p is null) ? null : parts.Select(p => p!).ToArray();
    }

    private static ConditionFilter? Condition(JsonElement json, string location, List<FilterError> errors)
    {
        var before = errors.Count;
        FilterPath? path = null;
        if (!json.TryGetProperty("path", out var pathJson) || pathJson.ValueKind != JsonValueKind.String || pathJson.GetString()!.Trim().Length == 0)
            errors.Add(new FilterError(At(location, "path"), Say("PathRequired")));
        else if ((path = FilterPath.TryCreate(pathJson.GetString()!.Trim())) is null)
            errors.Add(new FilterError(At(location, "path"), Say("PathInvalid", FilterPath.MaxLength)));

        var op = FilterOperator.Eq;
        var hasOp = json.TryGetProperty("op", out var opJson);
        if (!hasOp || opJson.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(opJson.GetString()))
            errors.Add(new FilterError(At(location, "op"), Say("OpRequired", string.Join(", ", OperatorNames.All))));
        else if (!OperatorNames.TryParse(opJson.GetString()!.Trim(), out op))
            errors.Add(new FilterError(At(location, "op"), Say("OpUnknown", opJson.GetString()!, string.Join(", ", OperatorNames.All))));

        JsonElement? value = json.TryGetProperty("value", out var valueJson) ? valueJson.Clone() : null;
        var values = errors.Count == before || hasOp ? Values(op, value, At(location, "value"), errors) : null;
        if (errors.Count > before || path is null || values is null)
            return null;
        // exists without a value means exists: true; it is written back so.
        if (op == FilterOperator.Exists && value is null)
            value = JsonSerializer.SerializeToElement(true);
        return new ConditionFilter(path, op, value, values);
    }

    private static FilterValue[]? Values(FilterOperator op, JsonElement? value, string location, List<FilterError> errors)
    {
        switch (op)
        {
            case FilterOperator.Exists:
                if (value is null)
                    return [FilterValue.Of(JsonSerializer.SerializeToElement(true))];
                return value.Value.ValueKind is JsonValueKind.True or JsonValueKind.False ? [FilterValue.Of(value.Value)] : Fail<FilterValue[]>(errors, location, Say("ValueExists"));
            case FilterOperator.In:
                if (value is not { ValueKind: JsonValueKind.Array } list || list.GetArrayLength() is 0 or > MaxListValues || list.EnumerateArray().Any(v => !IsScalar(v)))
                    return Fail<FilterValue[]>(errors, location, Say("ValueList", MaxListValues));
                return TooLong(list.EnumerateArray(), location, errors) ? null : list.EnumerateArray().Select(FilterValue.Of).ToArray();
            case FilterOperator.Gt or FilterOperator.Gte or FilterOperator.Lt or FilterOperator.Lte:
                if (value is not { ValueKind: JsonValueKind.Number or JsonValueKind.String } comparable)
                    return Fail<FilterValue[]>(errors, location, Say("ValueComparable"));
                return TooLong([comparable], location, errors) ? null : [FilterValue.Of(comparable)];
            case FilterOperator.StartsWith:
                if (value is not { ValueKind: JsonValueKind.String } prefix || prefix.GetString()!.Length == 0)
                    return Fail<FilterValue[]>(errors, location, Say("ValueString"));
                return TooLong([prefix], location, errors) ? null : [FilterValue.Of(prefix)];
            default:
                // eq, ne and contains (a string's text, or an array's element) take one scalar.
                if (value is null)
                    return Fail<FilterValue[]>(errors, location, Say("ValueRequired"));
                if (!IsScalar(value.Value) || (op == FilterOperator.Contains && value.Value.ValueKind == JsonValueKind.String && value.Value.GetString()!.Length == 0))
                    return Fail<FilterValue[]>(errors, location, Say(op == FilterOperator.Contains ? "ValueContains" : "ValueScalar"));
                return TooLong([value.Value], location, errors) ? null : [FilterValue.Of(value.Value)];
        }
    }

    private static bool IsScalar(JsonElement value) =>
        value.ValueKind is JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null;

    private static bool TooLong(IEnumerable<JsonElement> values, string location, List<FilterError> errors)
    {
        if (!values.Any(v => v.ValueKind == JsonValueKind.String && v.GetString()!.Length > MaxStringLength))
            return false;
        errors.Add(new FilterError(location, Say("ValueTooLong", MaxStringLength)));
        return true;
    }

    private static T? Fail<T>(List<FilterError> errors, string location, string message) where T : class
    {
        errors.Add(new FilterError(location, message));
        return null;
    }

    private static string At(string location, string name) => location.Length == 0 ? name : $"{location}.{name}";

    private static string Say(string key, params object[] arguments) => Text[key, arguments].Value;
}
