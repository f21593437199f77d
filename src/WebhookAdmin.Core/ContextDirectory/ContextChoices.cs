using WebhookAdmin.Core.Webhooks;

namespace WebhookAdmin.Core.ContextDirectory;

/// <summary>
/// What the settings panel's pickers offer for a typed text: the directory's entries matching it by name or id (by name),
/// then the ids the company's webhooks already use that match it and that the directory has no entry for (by id), shown
/// by id alone (named when the directory knows them but a full page of other names kept them off). An id that is in
/// neither can still be pasted: the picker keeps what was typed.
/// </summary>
public sealed class ContextChoices(DirectoryService directory, WebhookListing listing)
{
    public const int Limit = WebhookListing.PickerLimit;

    public async Task<IReadOnlyList<NamedContext>> SearchAsync(string companyId, ContextField field, string? text, CancellationToken cancellationToken = default)
    {
        var named = await directory.SearchAsync(companyId, field, text, take: Limit, cancellationToken: cancellationToken);
        var listed = named.Select(e => e.Id).ToHashSet(StringComparer.Ordinal);
        var used = (await listing.UsedContextIdsAsync(companyId, field, text, cancellationToken)).Where(id => !listed.Contains(id)).ToList();
        // A used id may still have a name that a full page of other names kept off the first list. Used ids always keep
        // their place (they are what the company's webhooks point at), so the names give way when the list is full.
        var names = await directory.NamesAsync(companyId, field, used, cancellationToken);
        return named.Take(Math.Max(0, Limit - used.Count)).Select(e => new NamedContext(e.Id, e.Name))
            .Concat(used.Select(id => new NamedContext(id, names.GetValueOrDefault(id))))
            .ToList();
    }

    /// <summary>The directory's name for the id a field holds; null when it has none (or the text is not an id yet).</summary>
    public async Task<string?> NameOfAsync(string companyId, ContextField field, string? id, CancellationToken cancellationToken = default)
    {
        if (!ObjectId.IsValid(id))
            return null;
        var names = await directory.NamesAsync(companyId, field, [id], cancellationToken);
        return names.GetValueOrDefault(ObjectId.Normalize(id));
    }
}
