using System.Text.Json;

namespace WebhookAdmin.Core.Filters;

/// <summary>
/// What a filter looks at in one event: its type and event name (as published, not inside the body) and its <c>data</c>.
/// A struct so matching an event against every webhook of its company allocates nothing for it.
/// </summary>
public readonly record struct FilterSubject(string Type, string Event, JsonElement Data)
{
    /// <summary>The subject of a stored body (the COTEvent JSON a receiver got); a body that is not an object has no data.</summary>
    public static FilterSubject OfBody(JsonElement body) => new(
        StringOf(body, "type"), StringOf(body, "event"),
        body.ValueKind == JsonValueKind.Object && body.TryGetProperty("data", out var data) ? data : default);

    private static string StringOf(JsonElement body, string name) =>
        body.ValueKind == JsonValueKind.Object && body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";
}

public enum FilterOperator
{
    Eq,
    Ne,
    In,
    Gt,
    Gte,
    Lt,
    Lte,
    Exists,
    StartsWith,
    Contains,
}

/// <summary>
/// A webhook's payload filter, parsed: a tree of <c>and</c>/<c>or</c>/<c>not</c> over conditions on paths into the
/// event. Built only by <see cref="PayloadFilterParser"/>, which checks every rule first, so matching never fails: a
/// path that is missing or a value of another kind simply does not match (only <c>ne</c> and <c>exists: false</c> hold).
/// </summary>
public abstract class PayloadFilter
{
    private protected PayloadFilter()
    {
    }

    public abstract bool Matches(in FilterSubject subject);

    /// <summary>The filter's canonical JSON (operators in their documented spelling), as it is stored and shown back.</summary>
    public string ToJson()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
            Write(json);
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    internal abstract void Write(Utf8JsonWriter json);

    /// <summary>How many conditions the filter holds (the settings panel and the rules count them).</summary>
    public abstract int Conditions { get; }
}

public sealed class AllOfFilter(IReadOnlyList<PayloadFilter> parts) : PayloadFilter
{
    public IReadOnlyList<PayloadFilter> Parts { get; } = parts;

    public override bool Matches(in FilterSubject subject)
    {
        foreach (var part in Parts)
        {
            if (!part.Matches(subject))
                return false;
        }
        return true;
    }

    public override int Conditions => Parts.Sum(p => p.Conditions);

    internal override void Write(Utf8JsonWriter json) => WriteList(json, "and", Parts);

    internal static void WriteList(Utf8JsonWriter json, string name, IReadOnlyList<PayloadFilter> parts)
    {
        json.WriteStartObject();
        json.WriteStartArray(name);
        foreach (var part in parts)
            part.Write(json);
        json.WriteEndArray();
        json.WriteEndObject();
    }
}

public sealed class AnyOfFilter(IReadOnlyList<PayloadFilter> parts) : PayloadFilter
{
    public IReadOnlyList<PayloadFilter> Parts { get; } = parts;

    public override bool Matches(in FilterSubject subject)
    {
        foreach (var part in Parts)
        {
            if (part.Matches(subject))
                return true;
        }
        return false;
    }

    public override int Conditions => Parts.Sum(p => p.Conditions);

    internal override void Write(Utf8JsonWriter json) => AllOfFilter.WriteList(json, "or", Parts);
}

public sealed class NotFilter(PayloadFilter inner) : PayloadFilter
{
    public PayloadFilter Inner { get; } = inner;

    public override bool Matches(in FilterSubject subject) => !Inner.Matches(subject);

    public override int Conditions => Inner.Conditions;

    internal override void Write(Utf8JsonWriter json)
    {
        json.WriteStartObject();
        json.WritePropertyName("not");
        Inner.Write(json);
        json.WriteEndObject();
    }
}

/// <summary>One row of the panel's editor: <c>{"path": …, "op": …, "value": …}</c>.</summary>
public sealed class ConditionFilter : PayloadFilter
{
    private readonly FilterPath _path;
    private readonly FilterValue[] _values;

    internal ConditionFilter(FilterPath path, FilterOperator op, JsonElement? value, FilterValue[] values)
    {
        _path = path;
        Operator = op;
        Value = value;
        _values = values;
    }

    public string Path => _path.Text;

    public FilterOperator Operator { get; }

    /// <summary>The value as written (an array for <c>in</c>, a boolean for <c>exists</c>); null when the operator takes none.</summary>
    public JsonElement? Value { get; }

    public override int Conditions => 1;

    public override bool Matches(in FilterSubject subject)
    {
        var found = _path.TryResolve(subject, out var operand);
        return Operator switch
        {
            FilterOperator.Exists => found == _values[0].Boolean,
            FilterOperator.Ne => !found || !_values[0].EqualTo(operand),
            _ when !found => false,
            FilterOperator.Eq => _values[0].EqualTo(operand),
            FilterOperator.In => AnyEqual(operand),
            FilterOperator.Gt => _values[0].CompareFrom(operand) is > 0,
            FilterOperator.Gte => _values[0].CompareFrom(operand) is >= 0,
            FilterOperator.Lt => _values[0].CompareFrom(operand) is < 0,
            FilterOperator.Lte => _values[0].CompareFrom(operand) is <= 0,
            FilterOperator.StartsWith => operand.Text is { } text && text.StartsWith(_values[0].String!, StringComparison.Ordinal),
            FilterOperator.Contains => Contains(operand),
            _ => false,
        };
    }

    private bool AnyEqual(in FilterOperand operand)
    {
        foreach (var value in _values)
        {
            if (value.EqualTo(operand))
                return true;
        }
        return false;
    }

    /// <summary>A string holds the text; an array holds an element equal to the value.</summary>
    private bool Contains(in FilterOperand operand)
    {
        if (operand.Text is { } text)
            return _values[0].String is { } wanted && text.Contains(wanted, StringComparison.Ordinal);
        if (operand.Element.ValueKind != JsonValueKind.Array)
            return false;
        foreach (var item in operand.Element.EnumerateArray())
        {
            if (_values[0].EqualTo(FilterOperand.Of(item)))
                return true;
        }
        return false;
    }

    internal override void Write(Utf8JsonWriter json)
    {
        json.WriteStartObject();
        json.WriteString("path", Path);
        json.WriteString("op", OperatorNames.Of(Operator));
        if (Value is { } value)
        {
            json.WritePropertyName("value");
            value.WriteTo(json);
        }
        json.WriteEndObject();
    }
}

public static class OperatorNames
{
    /// <summary>Every operator's name, in <see cref="FilterOperator"/>'s order, which is the order the panel offers them.</summary>
    public static IReadOnlyList<string> All { get; } = ["eq", "ne", "in", "gt", "gte", "lt", "lte", "exists", "startsWith", "contains"];

    public static string Of(FilterOperator op) => All[(int)op];

    /// <summary>Names are read in any case (<c>startswith</c>) and written back as documented.</summary>
    public static bool TryParse(string? name, out FilterOperator op)
    {
        for (var i = 0; i < All.Count; i++)
        {
            if (string.Equals(All[i], name, StringComparison.OrdinalIgnoreCase))
            {
                op = (FilterOperator)i;
                return true;
            }
        }
        op = default;
        return false;
    }
}

/// <summary>What a path found: the type or event name (a string), or an element of <c>data</c>.</summary>
internal readonly struct FilterOperand
{
    private readonly string? _text;

    private FilterOperand(JsonElement element, string? text)
    {
        Element = element;
        _text = text;
    }

    public JsonElement Element { get; }

    public bool IsString => _text is not null || Element.ValueKind == JsonValueKind.String;

    public static FilterOperand Of(string text) => new(default, text);

    public static FilterOperand Of(JsonElement element) => new(element, null);

    /// <summary>The string, read out of the event only when a prefix, a part or an order is asked for.</summary>
    public string? Text => _text ?? (Element.ValueKind == JsonValueKind.String ? Element.GetString() : null);

    /// <summary>Equality compares the event's UTF-8 in place, without making a string of it.</summary>
    public bool TextEquals(string value) => _text is not null ? string.Equals(_text, value, StringComparison.Ordinal)
        : Element.ValueKind == JsonValueKind.String && Element.ValueEquals(value);

    public bool IsNumber(out double number)
    {
        number = 0;
        return _text is null && Element.ValueKind == JsonValueKind.Number && Element.TryGetDouble(out number);
    }
}

/// <summary>A scalar a condition compares with, read once when the filter is parsed.</summary>
internal readonly struct FilterValue
{
    public JsonValueKind Kind { get; private init; }
    public string? String { get; private init; }
    public double Number { get; private init; }
    public bool Boolean => Kind == JsonValueKind.True;

    public static FilterValue Of(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => new() { Kind = JsonValueKind.String, String = value.GetString() },
        JsonValueKind.Number => new() { Kind = JsonValueKind.Number, Number = value.GetDouble() },
        var kind => new() { Kind = kind },
    };

    /// <summary>Numbers by value (<c>3</c> equals <c>3.0</c>), strings by their exact characters, true/false/null by kind.</summary>
    public bool EqualTo(in FilterOperand operand) => Kind switch
    {
        JsonValueKind.String => operand.TextEquals(String!),
        JsonValueKind.Number => operand.IsNumber(out var number) && number == Number,
        _ => !operand.IsString && operand.Element.ValueKind == Kind,
    };

    /// <summary>How the operand compares with this value (numbers with numbers, strings ordinally); null when they do not compare.</summary>
    public int? CompareFrom(in FilterOperand operand) => Kind switch
    {
        JsonValueKind.Number when operand.IsNumber(out var number) => number.CompareTo(Number),
        JsonValueKind.String when operand.Text is { } text => Math.Sign(string.CompareOrdinal(text, String)),
        _ => null,
    };
}

/// <summary>
/// <c>type</c>, <c>event</c>, <c>data</c> or <c>data.</c> followed by property names (and array positions, as
/// digits) separated by dots. The names are kept as UTF-8, so looking them up in the event compares bytes.
/// </summary>
internal sealed class FilterPath
{
    private readonly PathRoot _root;
    private readonly byte[][] _names;
    private readonly int[] _positions;

    private FilterPath(string text, PathRoot root, byte[][] names, int[] positions)
    {
        Text = text;
        _root = root;
        _names = names;
        _positions = positions;
    }

    public string Text { get; }

    public const int MaxLength = 200;
    public const int MaxSegments = 16;

    /// <summary>Null when the path is not one of the shapes above (the parser says why).</summary>
    public static FilterPath? TryCreate(string text)
    {
        if (text.Length is 0 or > MaxLength)
            return null;
        var segments = text.Split('.');
        if (segments.Length > MaxSegments || segments.Any(s => s.Length == 0 || StoredText.HasForbiddenCharacters(s)))
            return null;
        var root = segments[0] switch
        {
            "type" when segments.Length == 1 => PathRoot.Type,
            "event" when segments.Length == 1 => PathRoot.Event,
            "data" => PathRoot.Data,
            _ => (PathRoot?)null,
        };
        if (root is null)
            return null;
        var rest = segments.Skip(1).ToArray();
        return new FilterPath(text, root.Value,
            rest.Select(s => System.Text.Encoding.UTF8.GetBytes(s)).ToArray(),
            rest.Select(s => s.All(char.IsAsciiDigit) && s.Length <= 6 ? int.Parse(s, System.Globalization.CultureInfo.InvariantCulture) : -1).ToArray());
    }

    public bool TryResolve(in FilterSubject subject, out FilterOperand operand)
    {
        switch (_root)
        {
            case PathRoot.Type:
                operand = FilterOperand.Of(subject.Type);
                return true;
            case PathRoot.Event:
                operand = FilterOperand.Of(subject.Event);
                return true;
        }
        var element = subject.Data;
        for (var i = 0; i < _names.Length; i++)
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.Object when element.TryGetProperty(_names[i], out var child):
                    element = child;
                    break;
                case JsonValueKind.Array when _positions[i] >= 0 && _positions[i] < element.GetArrayLength():
                    element = element[_positions[i]];
                    break;
                default:
                    operand = default;
                    return false;
            }
        }
        operand = FilterOperand.Of(element);
        return element.ValueKind != JsonValueKind.Undefined;
    }

    private enum PathRoot
    {
        Type,
        Event,
        Data,
    }
}
