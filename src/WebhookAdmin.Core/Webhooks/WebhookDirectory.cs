using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using WebhookAdmin.Core.Storage;

namespace WebhookAdmin.Core.Webhooks;

/// <summary>Where and how one webhook's deliveries go right now, as the dispatcher reads it before every attempt.</summary>
public sealed class DeliveryTarget(Webhook webhook, EndpointAuth.EndpointCredentials? credentials = null)
{
    public string WebhookId { get; } = webhook.Id;
    public string CompanyId { get; } = webhook.CompanyId;
    public bool IsActive { get; } = webhook.IsActive;
    public string Url { get; } = webhook.Url;

    /// <summary>The webhook's half-open recovery, while it is being probed (see <see cref="Delivery.FailingWebhooks"/>); null otherwise.</summary>
    public Delivery.WebhookProbe? Probe { get; } = Delivery.WebhookProbe.Of(webhook);

    /// <summary>The custom headers and the authentication the receiver wants, in the clear; null when it wants none.</summary>
    public EndpointAuth.EndpointCredentials? Credentials { get; } = credentials;

    /// <summary>The least time from one attempt's end to the next one's start; zero when the webhook has no throttle.</summary>
    public TimeSpan AttemptSpacing { get; } = webhook.RateLimit is > 0 and var perSecond ? TimeSpan.FromTicks(TimeSpan.TicksPerSecond / perSecond) : TimeSpan.Zero;

    private readonly byte[] _key = WebhookSecrets.KeyOf(webhook.Secret);
    private readonly byte[]? _previousKey = string.IsNullOrEmpty(webhook.PreviousSecret) ? null : WebhookSecrets.KeyOf(webhook.PreviousSecret);
    private readonly DateTime? _previousExpiresAt = webhook.PreviousSecretExpiresAt;

    /// <summary>The current key, and the one before it while its overlap lasts.</summary>
    public IReadOnlyList<byte[]> SigningKeys(DateTime now) =>
        _previousKey is not null && _previousExpiresAt > now ? [_key, _previousKey] : [_key];
}

/// <summary>
/// The webhooks as publishing and delivery need them, kept in memory: each company's active webhooks (to match events)
/// and each webhook's delivery target (url, keys, active). <see cref="Changed"/> is called after every committed change,
/// so the next publish and the next attempt see it; entries are also re-read after <see cref="RefreshAfter"/>, so a
/// change made outside this process is seen within that time.
/// </summary>
public sealed class WebhookDirectory(IDbContextFactory<WebhookAdminDbContext> dbFactory, IClusterSignals cluster, EndpointAuth.EndpointSecretBox secrets) : Delivery.IDeliveryTargets
{
    public static readonly TimeSpan RefreshAfter = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, Entry<IReadOnlyList<Webhook>>> _companies = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Entry<DeliveryTarget?>> _targets = new(StringComparer.Ordinal);
    private long _generation;

    /// <summary>Raised after <see cref="Changed"/> with the webhooks that changed (e.g. so that an activated one resumes).</summary>
    public event Action<IReadOnlyCollection<string>>? WebhooksChanged;

    /// <summary>The company's active webhooks, ordered by id.</summary>
    public ValueTask<IReadOnlyList<Webhook>> ActiveWebhooksAsync(string companyId, CancellationToken cancellationToken = default) =>
        GetAsync(_companies, companyId, async (db, id, ct) =>
            (IReadOnlyList<Webhook>)await db.Webhooks.AsNoTracking().Where(w => w.CompanyId == id && w.IsActive).OrderBy(w => w.Id).ToListAsync(ct),
            cancellationToken);

    /// <summary>The webhook's delivery target; null when there is no such webhook.</summary>
    public ValueTask<DeliveryTarget?> TargetAsync(string webhookId, CancellationToken cancellationToken = default) =>
        GetAsync(_targets, webhookId, async (db, id, ct) =>
            await db.Webhooks.AsNoTracking().SingleOrDefaultAsync(w => w.Id == id, ct) is { } webhook
                ? new DeliveryTarget(webhook, secrets.CredentialsOf(await db.EndpointAuthentications.AsNoTracking().SingleOrDefaultAsync(a => a.WebhookId == id, ct)))
                : null,
            cancellationToken);

    /// <summary>Forgets what it knew of these webhooks and their company, here and in the other instances; call it once the change is committed.</summary>
    public void Changed(string companyId, IReadOnlyCollection<string> webhookIds)
    {
        ChangedElsewhere(companyId, webhookIds);
        cluster.WebhooksChanged(companyId, webhookIds);
    }

    /// <summary>Another instance changed these webhooks: forget them here.</summary>
    public void ChangedElsewhere(string companyId, IReadOnlyCollection<string> webhookIds)
    {
        Interlocked.Increment(ref _generation);
        _companies.TryRemove(companyId, out _);
        foreach (var webhookId in webhookIds)
            _targets.TryRemove(webhookId, out _);
        WebhooksChanged?.Invoke(webhookIds);
    }

    /// <summary>News from other instances may have been missed: forget everything.</summary>
    public void ForgetAll()
    {
        Interlocked.Increment(ref _generation);
        _companies.Clear();
        _targets.Clear();
    }

    private async ValueTask<T> GetAsync<T>(
        ConcurrentDictionary<string, Entry<T>> entries, string key,
        Func<WebhookAdminDbContext, string, CancellationToken, Task<T>> load, CancellationToken cancellationToken)
    {
        if (entries.TryGetValue(key, out var cached) && Stopwatch.GetElapsedTime(cached.LoadedAt) < RefreshAfter)
            return cached.Value;
        // A change committed while this load runs must not be hidden by it: the result is kept only if no change came.
        var generation = Interlocked.Read(ref _generation);
        var loadedAt = Stopwatch.GetTimestamp();
        T value;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
            value = await load(db, key, cancellationToken);
        if (Interlocked.Read(ref _generation) == generation)
        {
            var entry = new Entry<T>(value, loadedAt);
            entries[key] = entry;
            if (Interlocked.Read(ref _generation) != generation)
                entries.TryRemove(KeyValuePair.Create(key, entry));
        }
        return value;
    }

    private sealed record Entry<T>(T Value, long LoadedAt);
}
