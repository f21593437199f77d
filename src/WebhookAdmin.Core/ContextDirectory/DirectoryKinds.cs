using WebhookAdmin.Core.Webhooks;

namespace WebhookAdmin.Core.ContextDirectory;

/// <summary>The <c>{kind}</c> of the directory API: <c>workflow</c>, <c>survey</c>, <c>group</c>, one per context field.</summary>
public static class DirectoryKinds
{
    private static readonly IReadOnlyDictionary<string, ContextField> ByName = new Dictionary<string, ContextField>(StringComparer.Ordinal)
    {
        ["workflow"] = ContextField.Workflow,
        ["survey"] = ContextField.Survey,
        ["group"] = ContextField.Group,
    };

    /// <summary>The names as the API spells them, for messages: "workflow, survey, group".</summary>
    public static string All { get; } = string.Join(", ", ByName.Keys);

    /// <summary>Exactly as spelled in the API (lowercase): a path is not free text, and one spelling keeps links comparable.</summary>
    public static bool TryParse(string? name, out ContextField kind) => ByName.TryGetValue(name ?? "", out kind);

    public static string NameOf(ContextField kind) => ByName.First(pair => pair.Value == kind).Key;
}
