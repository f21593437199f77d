using Microsoft.EntityFrameworkCore;
using WebhookAdmin.Core.Storage;
using WebhookAdmin.Core.Webhooks;

namespace WebhookAdmin.Core.ContextDirectory;

/// <summary>How a put ended: stored (created or renamed), or refused with the reason the name cannot be stored.</summary>
public abstract record DirectoryOutcome
{
    public sealed record Saved(DirectoryEntry Entry, bool Created) : DirectoryOutcome;

    public sealed record Invalid(string Message) : DirectoryOutcome;
}

/// <summary>
/// A company's directory of workflow, survey and group names, as the host platform keeps it through the API. Every call
/// is scoped to one company: no query here can reach another company's entries.
/// </summary>
public sealed class DirectoryService(IDbContextFactory<WebhookAdminDbContext> dbFactory, TimeProvider clock)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 100;

    /// <summary>Creates the entry or renames it. <paramref name="id"/> must be an ObjectId (checked by the caller, which names the field).</summary>
    public async Task<DirectoryOutcome> PutAsync(string companyId, ContextField kind, string id, string? name, CancellationToken cancellationToken = default)
    {
        id = NormalizedId(id);
        var trimmed = name?.Trim() ?? "";
        if (DirectoryRules.CheckName(trimmed) is { } error)
            return new DirectoryOutcome.Invalid(error);

        // Two puts creating the same entry at once: the loser of the insert finds the winner's row and renames it.
        for (var attempt = 0; ; attempt++)
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var entry = await db.DirectoryEntries.SingleOrDefaultAsync(e => e.CompanyId == companyId && e.Kind == kind && e.Id == id, cancellationToken);
            var created = entry is null;
            if (entry is null)
            {
                entry = new DirectoryEntry { CompanyId = companyId, Kind = kind, Id = id };
                db.DirectoryEntries.Add(entry);
            }
            entry.Name = trimmed;
            entry.ModifiedAt = UnixTime.Truncate(clock.GetUtcNow().UtcDateTime);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return new DirectoryOutcome.Saved(entry, created);
            }
            catch (DbUpdateException e) when (created && attempt == 0 && StorageErrors.IsUniqueViolation(e))
            {
            }
        }
    }

    /// <summary>False when the company has no such entry. Webhooks using the id keep it: they show it without a name.</summary>
    public async Task<bool> DeleteAsync(string companyId, ContextField kind, string id, CancellationToken cancellationToken = default)
    {
        id = NormalizedId(id);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.DirectoryEntries.Where(e => e.CompanyId == companyId && e.Kind == kind && e.Id == id).ExecuteDeleteAsync(cancellationToken) > 0;
    }

    /// <summary>
    /// Entries whose name contains <paramref name="search"/> (any case) or whose id starts with it, ordered by name; all of
    /// them when it is empty. A range of the (company, kind, name) index read in order, so a page stops as soon as it is
    /// full (see the picker row in the README's QueryBench table).
    /// </summary>
    public async Task<IReadOnlyList<DirectoryEntry>> SearchAsync(
        string companyId, ContextField kind, string? search, int skip = 0, int take = DefaultLimit, CancellationToken cancellationToken = default)
    {
        var term = TextFold.Fold(search?.Trim() ?? "");
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var entries = db.DirectoryEntries.AsNoTracking().Where(e => e.CompanyId == companyId && e.Kind == kind);
        // Contains is instr()/strpos() on the folded name: "%" and "_" are taken literally, as typed.
        // Only a run of hex digits can start an id: any other text is looked for in the names alone.
        if (IsIdPrefix(term))
            entries = entries.Where(e => e.NameKey.Contains(term) || e.Id.StartsWith(term));
        else if (term.Length > 0)
            entries = entries.Where(e => e.NameKey.Contains(term));
        return await entries
            .OrderBy(e => e.NameKey).ThenBy(e => e.Id)
            .Skip(Math.Max(skip, 0))
            .Take(Math.Clamp(take, 1, MaxLimit))
            .ToListAsync(cancellationToken);
    }

    /// <summary>The names the directory has for <paramref name="ids"/>; ids it does not know are left out.</summary>
    public async Task<IReadOnlyDictionary<string, string>> NamesAsync(
        string companyId, ContextField kind, IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default)
    {
        var wanted = ids.Where(ObjectId.IsValid).Select(ObjectId.Normalize).Distinct().ToList();
        if (wanted.Count == 0)
            return new Dictionary<string, string>();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.DirectoryEntries.AsNoTracking()
            .Where(e => e.CompanyId == companyId && e.Kind == kind && wanted.Contains(e.Id))
            .ToDictionaryAsync(e => e.Id, e => e.Name, StringComparer.Ordinal, cancellationToken);
    }

    private static bool IsIdPrefix(string term) => term.Length is > 0 and <= 24 && term.All(char.IsAsciiHexDigitLower);

    private static string NormalizedId(string id) =>
        ObjectId.IsValid(id) ? ObjectId.Normalize(id) : throw new ArgumentException("A directory id is a 24-hex ObjectId.", nameof(id));
}
