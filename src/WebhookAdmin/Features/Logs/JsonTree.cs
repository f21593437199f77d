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
/// A JSON document as the viewer shows it: each node knows its path (the key for its collapsed state), its name in
/// the parent object, and either its children or the scalar text to print.
/// </summary>
public sealed record JsonTreeNode(string Path, string? Name, JsonKind Kind, string Text, IReadOnlyList<JsonTreeNode> Children)
{
    public bool IsContainer => Kind is JsonKind.Object or JsonKind.Array;
}

public static class JsonTree
{
    private static readonly JsonSerializerOptions Pretty = new()
    {
        WriteIndented = true,
        // Show what was sent (accents, "<", "&") as it reads, not as \u escapes; the page escapes it for HTML.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The tree and an indented copy of <paramref name="text"/>, or false when it is not JSON (e.g. an HTML error page).</summary>
    public static bool TryParse(string? text, out JsonTreeNode root, out string pretty)
    {
        root = null!;
        pretty = "";
        if (string.IsNullOrWhiteSpace(text))
            return false;
        try
        {
            using var document = JsonDocument.Parse(text);
            root = Build("$", null, document.RootElement);
            pretty = JsonSerializer.Serialize(document.RootElement, Pretty);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static JsonTreeNode Build(string path, string? name, JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => new(path, name, JsonKind.Object, "",
            element.EnumerateObject().Select(p => Build($"{path}.{p.Name}", p.Name, p.Value)).ToArray()),
        JsonValueKind.Array => new(path, name, JsonKind.Array, "",
            element.EnumerateArray().Select((item, i) => Build($"{path}[{i.ToString(CultureInfo.InvariantCulture)}]", null, item)).ToArray()),
        JsonValueKind.String => new(path, name, JsonKind.String, element.GetString()!, []),
        JsonValueKind.Number => new(path, name, JsonKind.Number, element.GetRawText(), []),
        JsonValueKind.True or JsonValueKind.False => new(path, name, JsonKind.Boolean, element.GetRawText(), []),
        _ => new(path, name, JsonKind.Null, "null", []),
    };
}
