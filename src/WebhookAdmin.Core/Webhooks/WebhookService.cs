using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using WebhookAdmin.Core.Storage;

namespace WebhookAdmin.Core.Webhooks;

/// <summary>
/// Everything an admin or API client may do to one company's webhooks. Every method takes the company first and
/// never reads or writes another company's rows, so callers cannot leak across tenants by forgetting a filter.
/// </summary>
public sealed class WebhookService(IDbContextFactory<WebhookAdminDbContext> dbFactory, WebhookDirectory directory, TimeProvider clock)
{
    public async Task<IReadOnlyList<Webhook>> ListAsync(string companyId, bool includeInactive = true, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Webhooks.AsNoTracking()
            .Where(w => w.CompanyId == companyId && (includeInactive || w.IsActive))
            .OrderBy(w => w.Name).ThenBy(w => w.Id)
            .ToListAsync(cancellationToken);
    }

    public async Task<Webhook?> GetAsync(string companyId, string id, CancellationToken cancellationToken = default)
    {
        if (!ObjectId.IsValid(id))
            return null;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await Find(db, companyId, ObjectId.Normalize(id)).AsNoTracking().SingleOrDefaultAsync(cancellationToken);
    }

    /// <summary>The code the settings panel proposes for <paramref name="name"/>: folded, then made unique in the company.</summary>
    public async Task<string> SuggestCodeAsync(string companyId, string? name, string? exceptWebhookId = null, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await SuggestCodeAsync(db, companyId, name, exceptWebhookId, cancellationToken);
    }

    /// <summary>Whether another webhook of the company already has <paramref name="code"/>; the panel asks while the admin types.</summary>
    public async Task<bool> IsCodeTakenAsync(string companyId, string code, string? exceptWebhookId = null, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await IsCodeTakenAsync(db, companyId, code, exceptWebhookId, cancellationToken);
    }

    public async Task<WebhookOutcome> CreateAsync(string companyId, WebhookDraft draft, CancellationToken cancellationToken = default)
    {
        var trigger = WebhookTrigger.Find(draft.Trigger);
        var context = Clean(draft.Context ?? WebhookContext.Empty).For(trigger);
        var errors = new FieldErrors();
        errors.Add("name", WebhookRules.CheckName(draft.Name));
        errors.Add("url", WebhookRules.CheckUrl(draft.Url));
        errors.Add("description", WebhookRules.CheckDescription(draft.Description));
        errors.Add("trigger", WebhookRules.CheckTrigger(draft.Trigger));
        errors.Add("rateLimit", WebhookRules.CheckRateLimit(draft.RateLimit));
        errors.AddRange(WebhookRules.CheckContext(trigger, context));

        var code = string.IsNullOrEmpty(draft.Code) ? null : draft.Code;
        if (code is not null)
            errors.Add("code", WebhookRules.CheckCodeFormat(code));

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (code is null && errors.IsEmpty)
            code = await SuggestCodeAsync(db, companyId, draft.Name, null, cancellationToken);
        else if (code is not null && !errors.Has("code") && await IsCodeTakenAsync(db, companyId, code, null, cancellationToken))
            errors.Add("code", WebhookRules.CodeTakenMessage(code));

        if (!errors.IsEmpty)
            return new WebhookOutcome.Invalid(errors.ToDictionary());

        var now = clock.GetUtcNow().UtcDateTime;
        var webhook = new Webhook
        {
            Id = ObjectId.NewId(clock),
            CompanyId = companyId,
            IsActive = draft.IsActive,
            Trigger = draft.Trigger!,
            Url = draft.Url!.Trim(),
            Name = draft.Name!.Trim(),
            Code = code!,
            Description = draft.Description?.Trim() ?? "",
            Context = context,
            RateLimit = draft.RateLimit,
            Secret = NewSecret(),
            CreatedAt = now,
            ModifiedAt = now,
        };
        db.Webhooks.Add(webhook);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (IsUniqueViolation(e))
        {
            // Another save took the same code between our check and our insert.
            return new WebhookOutcome.Invalid(new Dictionary<string, string[]> { ["code"] = [WebhookRules.CodeTakenMessage(code!)] });
        }
        directory.Changed(companyId, [webhook.Id]);
        return new WebhookOutcome.Saved(webhook);
    }

    public async Task<WebhookOutcome> UpdateAsync(string companyId, string id, WebhookChanges changes, CancellationToken cancellationToken = default)
    {
        if (!ObjectId.IsValid(id))
            return new WebhookOutcome.NotFound();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var webhook = await Find(db, companyId, ObjectId.Normalize(id)).SingleOrDefaultAsync(cancellationToken);
        if (webhook is null)
            return new WebhookOutcome.NotFound();
        if (changes.ExpectedVersion is { } expected && expected != webhook.Version)
            return new WebhookOutcome.Conflict(webhook);

        var triggerValue = changes.Trigger ?? webhook.Trigger;
        var trigger = WebhookTrigger.Find(triggerValue);
        var context = Clean(changes.Context ?? webhook.Context).For(trigger);
        var errors = new FieldErrors();
        if (changes.Name is not null)
            errors.Add("name", WebhookRules.CheckName(changes.Name));
        if (changes.Url is not null)
            errors.Add("url", WebhookRules.CheckUrl(changes.Url));
        if (changes.Description is not null)
            errors.Add("description", WebhookRules.CheckDescription(changes.Description));
        if (changes.Trigger is not null)
            errors.Add("trigger", WebhookRules.CheckTrigger(changes.Trigger));
        if (changes.RateLimit is not null)
            errors.Add("rateLimit", WebhookRules.CheckRateLimit(changes.RateLimit.Value));
        if (changes.Code is not null && changes.Code != webhook.Code)
            errors.Add("code", WebhookRules.CodeFrozenMessage);
        errors.AddRange(WebhookRules.CheckContext(trigger, context));
        if (!errors.IsEmpty)
            return new WebhookOutcome.Invalid(errors.ToDictionary());

        webhook.Name = changes.Name?.Trim() ?? webhook.Name;
        webhook.Url = changes.Url?.Trim() ?? webhook.Url;
        webhook.Description = changes.Description?.Trim() ?? webhook.Description;
        webhook.Trigger = triggerValue;
        webhook.Context = context;
        webhook.RateLimit = changes.RateLimit is { } rateLimit ? rateLimit.Value : webhook.RateLimit;
        if (changes.IsActive == true && !webhook.IsActive)
            Reactivate(webhook);
        webhook.IsActive = changes.IsActive ?? webhook.IsActive;
        return await SaveVersionAsync(db, webhook, cancellationToken);
    }

    /// <summary>
    /// An admin's activation forgets an automatic deactivation and the run of failures behind it: the receiver gets a
    /// whole new <see cref="Delivery.DeliveryOptions.DisableAfter"/> to answer before it can be deactivated again. What
    /// the company was told of that run, and a probe it was in, go too: the admin's decision replaces the probe's.
    /// </summary>
    private static void Reactivate(Webhook webhook)
    {
        webhook.DisabledReason = null;
        webhook.DisabledAt = null;
        webhook.FailingSince = null;
        webhook.ConsecutiveFailures = 0;
        webhook.WarnedFailingSince = null;
        webhook.WarnedPercent = 0;
        webhook.ProbeAfter = null;
        webhook.ProbedAt = null;
        webhook.ProbeSucceeded = false;
    }

    public Task<WebhookOutcome> SetActiveAsync(string companyId, string id, bool isActive, int? expectedVersion = null, CancellationToken cancellationToken = default) =>
        UpdateAsync(companyId, id, new WebhookChanges(IsActive: isActive, ExpectedVersion: expectedVersion), cancellationToken);

    /// <summary>Deactivates the given webhooks of the company in one statement; ids of other companies are ignored.</summary>
    /// <returns>How many webhooks went from active to inactive.</returns>
    public async Task<int> DeactivateManyAsync(string companyId, IEnumerable<string> ids, CancellationToken cancellationToken = default)
    {
        var wanted = ids.Where(ObjectId.IsValid).Select(ObjectId.Normalize).Distinct().ToArray();
        if (wanted.Length == 0)
            return 0;
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var deactivated = await db.Webhooks
            .Where(w => w.CompanyId == companyId && w.IsActive && wanted.Contains(w.Id))
            .ExecuteUpdateAsync(set => set
                .SetProperty(w => w.IsActive, false)
                .SetProperty(w => w.Version, w => w.Version + 1)
                .SetProperty(w => w.ModifiedAt, now), cancellationToken);
        directory.Changed(companyId, wanted);
        return deactivated;
    }

    private async Task<WebhookOutcome> SaveVersionAsync(WebhookAdminDbContext db, Webhook webhook, CancellationToken cancellationToken)
    {
        webhook.Version++;
        webhook.ModifiedAt = clock.GetUtcNow().UtcDateTime;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            // Before answering: the next publish matches, and the next attempt goes, as saved.
            directory.Changed(webhook.CompanyId, [webhook.Id]);
            return new WebhookOutcome.Saved(webhook);
        }
        catch (DbUpdateConcurrencyException)
        {
            await using var fresh = await dbFactory.CreateDbContextAsync(cancellationToken);
            var current = await Find(fresh, webhook.CompanyId, webhook.Id).AsNoTracking().SingleOrDefaultAsync(cancellationToken);
            return current is null ? new WebhookOutcome.NotFound() : new WebhookOutcome.Conflict(current);
        }
    }

    private static IQueryable<Webhook> Find(WebhookAdminDbContext db, string companyId, string id) => db.CompanyWebhook(companyId, id);

    private static async Task<string> SuggestCodeAsync(WebhookAdminDbContext db, string companyId, string? name, string? exceptWebhookId, CancellationToken cancellationToken)
    {
        var baseCode = CodeSuggester.FromName(name);
        var taken = await db.Webhooks
            .Where(w => w.CompanyId == companyId && w.Code.StartsWith(baseCode) && w.Id != exceptWebhookId)
            .Select(w => w.Code)
            .ToListAsync(cancellationToken);
        return CodeSuggester.MakeUnique(baseCode, taken.ToHashSet(StringComparer.Ordinal).Contains);
    }

    private static Task<bool> IsCodeTakenAsync(WebhookAdminDbContext db, string companyId, string code, string? exceptWebhookId, CancellationToken cancellationToken) =>
        db.Webhooks.AnyAsync(w => w.CompanyId == companyId && w.Code == code && w.Id != exceptWebhookId, cancellationToken);

    private static WebhookContext Clean(WebhookContext context) => new(
        ObjectIdOrAsTyped(context.Survey), ObjectIdOrAsTyped(context.Group), ObjectIdOrAsTyped(context.TaskGroup));

    private static string ObjectIdOrAsTyped(string? value) =>
        value is null ? "" : ObjectId.IsValid(value.Trim()) ? ObjectId.Normalize(value) : value.Trim();

    private static bool IsUniqueViolation(DbUpdateException e) => StorageErrors.IsUniqueViolation(e);

    internal static string NewSecret() => "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    private sealed class FieldErrors
    {
        private readonly Dictionary<string, List<string>> _errors = [];

        public bool IsEmpty => _errors.Count == 0;

        public bool Has(string field) => _errors.ContainsKey(field);

        public void Add(string field, string? message)
        {
            if (message is null)
                return;
            if (!_errors.TryGetValue(field, out var messages))
                _errors[field] = messages = [];
            messages.Add(message);
        }

        public void AddRange(IEnumerable<(string Field, string Message)> errors)
        {
            foreach (var (field, message) in errors)
                Add(field, message);
        }

        public IReadOnlyDictionary<string, string[]> ToDictionary() => _errors.ToDictionary(e => e.Key, e => e.Value.ToArray());
    }
}
