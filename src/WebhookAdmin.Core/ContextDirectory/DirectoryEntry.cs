using WebhookAdmin.Core.Webhooks;

namespace WebhookAdmin.Core.ContextDirectory;

/// <summary>
/// The name the host platform gives one of a company's workflows, surveys or groups, so the pickers can show
/// "Work orders · 6261…" instead of a bare ObjectId. The platform keeps these current through the directory API; a
/// webhook still stores only the id, so renaming or deleting an entry never changes a webhook.
/// </summary>
public sealed class DirectoryEntry
{
    public string CompanyId { get; set; } = "";

    /// <summary>Which context field the id goes in: a workflow (taskGroup), a survey or a group.</summary>
    public ContextField Kind { get; set; }

    /// <summary>The platform's ObjectId, stored lowercase like every id.</summary>
    public string Id { get; set; } = "";

    private string _name = "";

    public string Name
    {
        get => _name;
        set
        {
            _name = value;
            NameKey = TextFold.Fold(value);
        }
    }

    /// <summary>
    /// <see cref="Name"/> folded (lower case, no accents; see <see cref="TextFold"/>), kept by its setter like
    /// <see cref="Webhooks.Webhook.SortName"/>: searched with a term folded the same way, and the sort key.
    /// </summary>
    public string NameKey { get; private set; } = "";

    public DateTime ModifiedAt { get; set; }
}

/// <summary>One choice a picker offers: an id and, when the directory knows it, its name.</summary>
public sealed record NamedContext(string Id, string? Name);
