using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using WebhookAdmin.Core.Logs;
using WebhookAdmin.Core.Storage;
using WebhookAdmin.Core.Webhooks;

namespace WebhookAdmin.Core.Filters;

public abstract record FilterOutcome
{
    private FilterOutcome() { }

    /// <param name="Filter">What is stored now; null once the filter is removed.</param>
    public sealed record Saved(PayloadFilter? Filter) : FilterOutcome;

    public sealed record Invalid(IReadOnlyList<FilterError> Errors) : FilterOutcome;

    public sealed record NotFound : FilterOutcome;
}

/// <summary>One of the webhook's logged events as a filter would have treated it.</summary>
/// <param name="LogId">The log's public id (the documented <c>_id</c>).</param>
public sealed record FilterTestRow(string LogId, long Sequence, DateTime CreatedAt, string Type, string Event, DeliveryState State, bool WouldSend);

/// <summary>
/// A webhook's payload filter: read, replaced, removed, and tried on the webhook's last logged events before it is
/// saved. Every method takes the company first and answers "not found" for another company's webhook.
/// </summary>
public sealed class PayloadFilterService(IDbContextFactory<WebhookAdminDbContext> dbFactory, WebhookDirectory directory)
{
    /// <summary>How many of the webhook's latest events a filter is tried on.</summary>
    public const int TestedEvents = 50;

    /// <summary>The stored filter (null when there is none), inside an outcome; <see cref="FilterOutcome.NotFound"/> for no such webhook.</summary>
    public async Task<FilterOutcome> GetAsync(string companyId, string webhookId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var found = await db.CompanyWebhook(companyId, webhookId).Select(w => new { w.Filter }).SingleOrDefaultAsync(cancellationToken);
        return found is null ? new FilterOutcome.NotFound()
            : new FilterOutcome.Saved(found.Filter is null ? null : PayloadFilterParser.Parse(found.Filter).Filter);
    }

    public Task<FilterOutcome> SaveAsync(string companyId, string webhookId, JsonElement filter, CancellationToken cancellationToken = default) =>
        SaveAsync(companyId, webhookId, PayloadFilterParser.Parse(filter), cancellationToken);

    /// <summary>The settings panel's JSON text, as typed.</summary>
    public Task<FilterOutcome> SaveAsync(string companyId, string webhookId, string filterJson, CancellationToken cancellationToken = default) =>
        SaveAsync(companyId, webhookId, PayloadFilterParser.Parse(filterJson), cancellationToken);

    private async Task<FilterOutcome> SaveAsync(string companyId, string webhookId, FilterParse parse, CancellationToken cancellationToken)
    {
        if (!parse.IsValid)
        {
            // A bad filter for a webhook that is not the company's is a 404, not a list of errors about it.
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            return await db.CompanyWebhook(companyId, webhookId).AnyAsync(cancellationToken)
                ? new FilterOutcome.Invalid(parse.Errors)
                : new FilterOutcome.NotFound();
        }
        return await StoreAsync(companyId, webhookId, parse.Filter, cancellationToken)
            ? new FilterOutcome.Saved(parse.Filter)
            : new FilterOutcome.NotFound();
    }

    /// <summary>Every event of the trigger and context goes again. False when the company has no such webhook.</summary>
    public Task<bool> RemoveAsync(string companyId, string webhookId, CancellationToken cancellationToken = default) =>
        StoreAsync(companyId, webhookId, null, cancellationToken);

    private async Task<bool> StoreAsync(string companyId, string webhookId, PayloadFilter? filter, CancellationToken cancellationToken)
    {
        var json = filter?.ToJson();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var changed = await db.CompanyWebhook(companyId, webhookId).ExecuteUpdateAsync(set => set.SetProperty(w => w.Filter, json), cancellationToken);
        if (changed == 0)
            return false;
        // Before answering: the next publish is matched with the filter just saved, here and in the other instances.
        directory.Changed(companyId, [webhookId]);
        return true;
    }

    /// <summary>
    /// The webhook's last <see cref="TestedEvents"/> logged events, newest first, each marked as <paramref name="filter"/>
    /// would treat it (null: no filter, every one sends). Null when the company has no such webhook.
    /// </summary>
    public Task<IReadOnlyList<FilterTestRow>?> TestAsync(string companyId, string webhookId, PayloadFilter? filter, CancellationToken cancellationToken = default) =>
        TestAsync(companyId, webhookId, _ => filter, cancellationToken);

    /// <summary>The same with the webhook's stored filter: what would it have done?</summary>
    public Task<IReadOnlyList<FilterTestRow>?> TestStoredAsync(string companyId, string webhookId, CancellationToken cancellationToken = default) =>
        TestAsync(companyId, webhookId, stored => stored is null ? null : PayloadFilterParser.Parse(stored).Filter, cancellationToken);

    /// <param name="choose">The filter to try, given the stored one's JSON (read with the ownership check).</param>
    private async Task<IReadOnlyList<FilterTestRow>?> TestAsync(
        string companyId, string webhookId, Func<string?, PayloadFilter?> choose, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var webhook = await db.CompanyWebhook(companyId, webhookId).Select(w => new { w.Filter }).SingleOrDefaultAsync(cancellationToken);
        if (webhook is null)
            return null;
        var filter = choose(webhook.Filter);
        // One body at a time: events may hold up to a megabyte each, and only the verdict is kept.
        var rows = new List<FilterTestRow>(TestedEvents);
        var logs = db.WebhookLogs.AsNoTracking()
            .Where(l => l.WebhookId == webhookId)
            .OrderByDescending(l => l.WebhookSequence)
            .Take(TestedEvents)
            .Select(l => new { l.Id, l.CreatedAt, l.WebhookSequence, l.State, l.Event!.Type, l.Event.Event, l.Event.Body })
            .AsAsyncEnumerable();
        await foreach (var l in logs.WithCancellation(cancellationToken))
            rows.Add(new FilterTestRow(ObjectId.OfLog(l.CreatedAt, l.Id), l.WebhookSequence, l.CreatedAt, l.Type, l.Event, l.State, WouldSend(filter, l.Body)));
        return rows;
    }

    /// <summary>The stored body is what was published: its type, event name and data are the filter's subject.</summary>
    private static bool WouldSend(PayloadFilter? filter, byte[] body)
    {
        if (filter is null)
            return true;
        try
        {
            using var document = JsonDocument.Parse(body);
            return filter.Matches(FilterSubject.OfBody(document.RootElement));
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
