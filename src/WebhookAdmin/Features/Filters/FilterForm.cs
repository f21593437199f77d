using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using WebhookAdmin.Core.Filters;

namespace WebhookAdmin.Features.Filters;

/// <summary>
/// The settings panel's payload filter while it is edited: rows (path, operator, value) joined by "all" or "any", or,
/// for filters that nest, the JSON itself. Both become the same JSON, checked by <see cref="PayloadFilterParser"/>,
/// whose error locations (<c>and[2].value</c>) are mapped back to the row and field they name.
/// </summary>
public sealed class FilterForm
{
    public bool JsonMode { get; private set; }

    /// <summary>"Any" joins the rows with <c>or</c>; "all" (the default) with <c>and</c>.</summary>
    public bool MatchAny { get; set; }

    public List<FilterRow> Rows { get; } = [];

    public string JsonText { get; set; } = "";

    /// <summary>The stored filter nests <c>and</c>/<c>or</c>/<c>not</c>, so it can only be edited as JSON.</summary>
    public bool Nested { get; private set; }

    /// <summary>Messages by location from the last check; <c>""</c> is the filter as a whole.</summary>
    public IReadOnlyDictionary<string, string> Errors { get; private set; } = new Dictionary<string, string>();

    /// <summary>Nothing to filter by: saving removes the filter.</summary>
    public bool IsEmpty => JsonMode ? string.IsNullOrWhiteSpace(JsonText) : Rows.Count == 0;

    private string Joiner => MatchAny ? "or" : "and";

    public static FilterForm From(PayloadFilter? filter)
    {
        var form = new FilterForm();
        form.Load(filter);
        return form;
    }

    private void Load(PayloadFilter? filter)
    {
        Rows.Clear();
        Errors = new Dictionary<string, string>();
        JsonText = filter?.ToJson() is { } json ? Indented(json) : "";
        var rows = filter switch
        {
            null => [],
            ConditionFilter single => [single],
            AllOfFilter all when all.Parts.All(p => p is ConditionFilter) => all.Parts.Cast<ConditionFilter>().ToArray(),
            AnyOfFilter any when any.Parts.All(p => p is ConditionFilter) => any.Parts.Cast<ConditionFilter>().ToArray(),
            _ => (ConditionFilter[]?)null,
        };
        MatchAny = filter is AnyOfFilter;
        Nested = rows is null;
        JsonMode = Nested;
        if (rows is not null)
            Rows.AddRange(rows.Select(FilterRow.From));
    }

    public void AddRow() => Rows.Add(new FilterRow());

    public void RemoveRow(FilterRow row)
    {
        Rows.Remove(row);
        Errors = new Dictionary<string, string>();
    }

    /// <summary>Shows the rows as JSON, to be edited further (nesting, <c>not</c>).</summary>
    public void ShowJson()
    {
        JsonText = IsEmpty ? "" : Indented(RowsJson().ToJsonString());
        JsonMode = true;
        Errors = new Dictionary<string, string>();
    }

    /// <summary>Back to rows when the JSON is a valid filter rows can hold; false (with the reason in <see cref="Errors"/>) when not.</summary>
    public bool ShowRows()
    {
        if (string.IsNullOrWhiteSpace(JsonText))
        {
            Load(null);
            return true;
        }
        var parse = Check();
        if (!parse.IsValid)
            return false;
        Load(parse.Filter);
        if (!Nested)
            return true;
        JsonMode = true;
        return false;
    }

    /// <summary>Checks what is typed; the errors show where they are, and a valid filter comes back to be saved or tried.</summary>
    public FilterParse Check()
    {
        var parse = JsonMode ? PayloadFilterParser.Parse(JsonText) : PayloadFilterParser.Parse(JsonSerializer.SerializeToElement(RowsJson()));
        Errors = parse.Errors.GroupBy(e => e.Location).ToDictionary(g => g.Key, g => g.First().Message);
        return parse;
    }

    /// <summary>A server's refusal, shown like the panel's own check.</summary>
    public void ShowErrors(IEnumerable<FilterError> errors) =>
        Errors = errors.GroupBy(e => e.Location).ToDictionary(g => g.Key, g => g.First().Message);

    /// <summary>A row's field error: <paramref name="field"/> is <c>path</c>, <c>op</c> or <c>value</c>.</summary>
    public string? ErrorFor(int row, string field) =>
        JsonMode ? null : Errors.GetValueOrDefault($"{Joiner}[{row}].{field}") ?? (field == "path" ? Errors.GetValueOrDefault($"{Joiner}[{row}]") : null);

    /// <summary>Errors no row field shows: all of them in JSON mode, each with where it is.</summary>
    public IEnumerable<string> GeneralErrors => JsonMode
        ? Errors.Select(e => e.Key.Length == 0 ? e.Value : $"{e.Key}: {e.Value}")
        : Errors.Where(e => !e.Key.StartsWith(Joiner + "[", StringComparison.Ordinal)).Select(e => e.Value);

    private JsonObject RowsJson() => new() { [Joiner] = new JsonArray(Rows.Select(r => (JsonNode)r.ToJson()).ToArray()) };

    private static string Indented(string json) =>
        JsonSerializer.Serialize(JsonDocument.Parse(json).RootElement, new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
}

/// <summary>
/// One condition as typed. The value is read as JSON when it is a number, <c>true</c>, <c>false</c>, <c>null</c> or a
/// quoted string, and as plain text otherwise; <c>in</c> takes a JSON list or values separated by commas.
/// <c>startsWith</c> and <c>contains</c> always take text.
/// </summary>
public sealed class FilterRow
{
    public string Path { get; set; } = "";
    public string Op { get; set; } = "eq";
    public string Value { get; set; } = "";

    /// <summary>For <c>exists</c>: whether the path must be there (true) or absent (false).</summary>
    public bool MustExist { get; set; } = true;

    public bool TakesText => Op is "startsWith" or "contains";

    public static FilterRow From(ConditionFilter condition)
    {
        var row = new FilterRow { Path = condition.Path, Op = OperatorNames.Of(condition.Operator) };
        if (condition.Operator == FilterOperator.Exists)
            row.MustExist = condition.Value?.ValueKind != JsonValueKind.False;
        else if (condition.Value is { } value)
            row.Value = condition.Operator == FilterOperator.In ? ListText(value) : row.TakesText && value.ValueKind == JsonValueKind.String ? value.GetString()! : ValueText(value);
        return row;
    }

    public JsonObject ToJson()
    {
        var json = new JsonObject { ["path"] = Path.Trim(), ["op"] = Op };
        if (Op == "exists")
            json["value"] = MustExist;
        else if (Value.Trim().Length > 0)
            json["value"] = Op == "in" ? ListOf(Value.Trim()) : TakesText ? JsonValue.Create(Unquoted(Value)) : ScalarOf(Value.Trim());
        return json;
    }

    private static JsonNode? ScalarOf(string text)
    {
        if (text is "true" or "false" or "null" || text.StartsWith('"') || double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
        {
            try
            {
                return JsonNode.Parse(text);
            }
            catch (JsonException)
            {
                // "abc (an opening quote only) is text like any other.
            }
        }
        return JsonValue.Create(text);
    }

    private static string Unquoted(string text) =>
        text.Length >= 2 && text.StartsWith('"') && text.EndsWith('"') && JsonNode.Parse(text) is JsonValue value && value.TryGetValue<string>(out var inner) ? inner : text;

    private static JsonNode? ListOf(string text)
    {
        if (text.StartsWith('['))
        {
            try
            {
                return JsonNode.Parse(text);
            }
            catch (JsonException)
            {
                // Not JSON after all: read as values separated by commas.
            }
        }
        return new JsonArray(text.Split(',').Select(t => t.Trim()).Where(t => t.Length > 0).Select(ScalarOf).ToArray());
    }

    /// <summary>Text reads back as itself unless it would read as something else (<c>"3"</c>, <c>"true"</c>), which keeps its quotes.</summary>
    private static string ValueText(JsonElement value) =>
        value.ValueKind == JsonValueKind.String && ScalarOf(value.GetString()!.Trim()) is JsonValue plain && plain.GetValueKind() == JsonValueKind.String && plain.GetValue<string>() == value.GetString()
            ? value.GetString()!
            : value.GetRawText();

    /// <summary>Comma-separated while that reads back the same; a JSON list otherwise.</summary>
    private static string ListText(JsonElement list)
    {
        var items = list.EnumerateArray().Select(ValueText).ToArray();
        return items.Any(i => i.Contains(',') || i.StartsWith('[') || i.Length == 0) ? list.GetRawText() : string.Join(", ", items);
    }
}
