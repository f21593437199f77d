using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace WebhookAdmin.Features.Logs;

public enum JsonKind
{
    Object,
    Array,
    String,
    Number,
    Boolean,
    Null,
}

/// <summary>
/// One value of a parsed JSON document as the viewer shows it: its path (the key for its view state), its name in the
/// parent object, and its children or scalar text. Nothing below a node is built until it is asked for: a 1 MiB event
/// (5,000 records, or one long string) then costs only the nodes actually on screen, not a tree of every value.
/// </summary>
public sealed class JsonTreeNode
{
    private readonly JsonElement _element;
    private IReadOnlyList<JsonTreeNode>? _children;
    private string? _text;

    internal JsonTreeNode(string path, string? name, JsonElement element)
    {
        Path = path;
        Name = name;
        _element = element;
        Kind = element.ValueKind switch
        {
            JsonValueKind.Object => JsonKind.Object,
            JsonValueKind.Array => JsonKind.Array,
            JsonValueKind.String => JsonKind.String,
            JsonValueKind.Number => JsonKind.Number,
            JsonValueKind.True or JsonValueKind.False => JsonKind.Boolean,
            _ => JsonKind.Null,
        };
    }

    public string Path { get; }

    public string? Name { get; }

    public JsonKind Kind { get; }

    public bool IsContainer => Kind is JsonKind.Object or JsonKind.Array;

    /// <summary>A scalar's text as sent (a string unescaped, a number as written); empty for a container.</summary>
    public string Text => _text ??= Kind switch
    {
        JsonKind.String => _element.GetString()!,
        JsonKind.Number or JsonKind.Boolean => _element.GetRawText(),
        JsonKind.Null => "null",
        _ => "",
    };

    /// <summary>How many children, without building them: a collapsed node only needs this for its summary.</summary>
    public int ChildCount => _children?.Count ?? Kind switch
    {
        JsonKind.Array => _element.GetArrayLength(),
        JsonKind.Object => _element.EnumerateObject().Count(),
        _ => 0,
    };

    /// <summary>The direct children, made on first use (an open node); their own children wait until they are opened.</summary>
    public IReadOnlyList<JsonTreeNode> Children => _children ??= Kind switch
    {
        JsonKind.Object => _element.EnumerateObject().Select(p => new JsonTreeNode($"{Path}.{p.Name}", p.Name, p.Value)).ToArray(),
        JsonKind.Array => _element.EnumerateArray()
            .Select((item, i) => new JsonTreeNode($"{Path}[{i.ToString(CultureInfo.InvariantCulture)}]", null, item)).ToArray(),
        _ => [],
    };

    /// <summary>This value re-written with indentation, for the Raw view.</summary>
    public string Indented() => JsonSerializer.Serialize(_element, JsonTree.Pretty);
}

public static class JsonTree
{
    internal static readonly JsonSerializerOptions Pretty = new()
    {
        WriteIndented = true,
        // Show what was sent (accents, "<", "&") as it reads, not as \u escapes; the page escapes it for HTML.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>
    /// The root of <paramref name="text"/> parsed once, or false when it is not JSON (e.g. an HTML error page). The parse
    /// is the only whole-document work: nodes and the indented text are made when the viewer shows them.
    /// </summary>
    public static bool TryParse(string? text, out JsonTreeNode root)
    {
        root = null!;
        if (string.IsNullOrWhiteSpace(text))
            return false;
        try
        {
            // Clone: the nodes outlive this method, the pooled buffers of the document do not.
            using var document = JsonDocument.Parse(text);
            root = new JsonTreeNode("$", null, document.RootElement.Clone());
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
