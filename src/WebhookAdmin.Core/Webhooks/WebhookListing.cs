using System.Collections.Concurrent;
using System.Globalization;
using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using WebhookAdmin.Core.Storage;

namespace WebhookAdmin.Core.Webhooks;

public enum WebhookSort
{
    Name,
    Trigger,
    Url,
}

/// <summary>What the Webhooks panel asks for: one page of a company's webhooks, searched and sorted in the database.</summary>
/// <param name="Search">Matched, case-insensitively, anywhere in the name, the code or the url.</param>
/// <param name="PageIndex">Zero-based, as the table counts its pages.</param>
public sealed record WebhookQuery(
    string? Search = null,
    bool IncludeDisabled = false,
    WebhookSort Sort = WebhookSort.Name,
    bool Descending = false,
    int PageIndex = 0,
    int PageSize = 25)
{
    public const int MaxPageSize = 200;
}

/// <summary>One line of the Webhooks panel: what the table shows and nothing it does not (no secret, no description).</summary>
/// <param name="Deactivation">Why the app deactivated it by itself; null when an admin did (or it is active).</param>
public sealed record WebhookRow(string Id, string Name, string Code, string Trigger, string Url, bool IsActive, AutomaticDeactivation? Deactivation = null)
{
    public string TriggerLabel => WebhookTrigger.LabelOf(Trigger);
}

/// <summary>A page of the panel and how many webhooks match in all, so the pager can say "26–50 of 10000".</summary>
public sealed record WebhookListPage(IReadOnlyList<WebhookRow> Items, int Total);

/// <summary>The context fields whose ObjectIds the settings panel offers from what the company already uses.</summary>
public enum ContextField
{
    Workflow,
    Survey,
    Group,
}

/// <summary>
/// Read-only queries behind the Webhooks panel and the settings panel's pickers, kept apart from
/// <see cref="WebhookService"/> whose job is the rules of changing a webhook.
/// </summary>
public sealed class WebhookListing(IDbContextFactory<WebhookAdminDbContext> dbFactory)
{
    public const int PickerLimit = 50;

    /// <summary>
    /// Sorting by trigger sorts by what the admin reads (the label in the admin's language), not by the stored value:
    /// one expression per language, built on first use.
    /// </summary>
    private static readonly ConcurrentDictionary<string, Expression<Func<Webhook, string>>> TriggerLabels = new();

    public async Task<WebhookListPage> QueryAsync(string companyId, WebhookQuery query, CancellationToken cancellationToken = default)
    {
        var pageSize = Math.Clamp(query.PageSize, 1, WebhookQuery.MaxPageSize);
        var pageIndex = Math.Max(query.PageIndex, 0);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var webhooks = db.Webhooks.AsNoTracking().Where(w => w.CompanyId == companyId && (query.IncludeDisabled || w.IsActive));
        if (!string.IsNullOrWhiteSpace(query.Search))
        {
            // Folded on both sides: names in any case, with or without accents (SortName, see TextFold). Contains takes % and
            // _ literally.
            var term = TextFold.Fold(query.Search.Trim());
            // No stored name, code or url holds a control character (WebhookRules), and PostgreSQL refuses a NUL in
            // the query itself: such a term simply matches nothing.
            webhooks = StoredText.HasForbiddenCharacters(term)
                ? webhooks.Where(_ => false)
                : webhooks.Where(w => w.SortName.Contains(term) || w.Code.ToLower().Contains(term) || w.Url.ToLower().Contains(term));
        }

        // A company has thousands of webhooks at most, so an exact total on the (CompanyId, IsActive, SortName) index is cheap.
        var total = await webhooks.CountAsync(cancellationToken);
        var items = await Sorted(webhooks, query.Sort, query.Descending)
            .Skip(pageIndex * pageSize)
            .Take(pageSize)
            .Select(w => new WebhookRow(w.Id, w.Name, w.Code, w.Trigger, w.Url, w.IsActive,
                AutomaticDeactivation.Of(w.IsActive, w.DisabledAt, w.FailingSince, w.ConsecutiveFailures)))
            .ToListAsync(cancellationToken);
        return new WebhookListPage(items, total);
    }

    /// <summary>
    /// Distinct ObjectIds the company's webhooks already use in <paramref name="field"/>, those starting with
    /// <paramref name="prefix"/> first, for the pickers; an admin can always paste one that is not listed.
    /// </summary>
    public async Task<IReadOnlyList<string>> UsedContextIdsAsync(string companyId, ContextField field, string? prefix = null, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var companyWebhooks = db.Webhooks.AsNoTracking().Where(w => w.CompanyId == companyId);
        var values = field switch
        {
            ContextField.Workflow => companyWebhooks.Select(w => w.Context.TaskGroup),
            ContextField.Survey => companyWebhooks.Select(w => w.Context.Survey),
            _ => companyWebhooks.Select(w => w.Context.Group),
        };
        var wanted = (prefix ?? "").Trim().ToLowerInvariant();
        return await values
            .Where(v => v != "" && v.StartsWith(wanted))
            .Distinct()
            .OrderBy(v => v)
            .Take(PickerLimit)
            .ToListAsync(cancellationToken);
    }

    private static IQueryable<Webhook> Sorted(IQueryable<Webhook> webhooks, WebhookSort sort, bool descending)
    {
        var ordered = sort switch
        {
            WebhookSort.Trigger => descending ? webhooks.OrderByDescending(TriggerLabel()) : webhooks.OrderBy(TriggerLabel()),
            WebhookSort.Url => descending ? webhooks.OrderByDescending(w => w.Url) : webhooks.OrderBy(w => w.Url),
            _ => descending ? webhooks.OrderByDescending(w => w.SortName) : webhooks.OrderBy(w => w.SortName),
        };
        // Ties (same trigger, same folded name) keep one stable order so paging never shows a row twice or skips one.
        return ordered.ThenBy(w => w.SortName).ThenBy(w => w.Name).ThenBy(w => w.Id);
    }

    private static Expression<Func<Webhook, string>> TriggerLabel() =>
        TriggerLabels.GetOrAdd(CultureInfo.CurrentUICulture.Name, _ => BuildTriggerLabel());

    /// <summary>
    /// <c>CASE trigger WHEN 'create-edit-delete-task' THEN 'Crear/Editar/Eliminar Tarea' … END</c>, ordered by the database's
    /// own (binary) collation: the labels of one language differ before any accented letter, so it orders them as a reader would.
    /// </summary>
    private static Expression<Func<Webhook, string>> BuildTriggerLabel()
    {
        var webhook = Expression.Parameter(typeof(Webhook), "w");
        var trigger = Expression.Property(webhook, nameof(Webhook.Trigger));
        Expression label = trigger;
        foreach (var known in WebhookTrigger.All.Reverse())
            label = Expression.Condition(Expression.Equal(trigger, Expression.Constant(known.Value)), Expression.Constant(known.Label), label);
        return Expression.Lambda<Func<Webhook, string>>(label, webhook);
    }
}
