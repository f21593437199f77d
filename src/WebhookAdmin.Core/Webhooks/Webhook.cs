namespace WebhookAdmin.Core.Webhooks;

/// <summary>A company's webhook: the stored form of the documented COTWebhook.</summary>
public sealed class Webhook
{
    public required string Id { get; init; }
    public required string CompanyId { get; init; }
    public bool IsActive { get; set; } = true;
    public required string Trigger { get; set; }
    public required string Url { get; set; }
    private string _name = "";

    public required string Name
    {
        get => _name;
        set
        {
            _name = value;
            SortName = TextFold.Fold(value);
        }
    }

    /// <summary>
    /// <see cref="Name"/> folded (lower case, no accents; see <see cref="TextFold"/>), kept by its setter: the panel sorts
    /// and searches on it, so "apple" comes before "Zebra" and "ordenes" finds "Órdenes", on an index.
    /// </summary>
    public string SortName { get; private set; } = "";

    /// <summary>Unique per company and frozen after the first save: receivers and scripts key on it.</summary>
    public required string Code { get; init; }

    public string Description { get; set; } = "";

    /// <summary>
    /// The most attempts (retries included) sent to the receiver per second, each at least 1/<c>RateLimit</c> s after the
    /// previous one ended; null: as fast as it answers.
    /// For receivers that cannot take a burst; the documented COTWebhook's added <c>rateLimit</c>.
    /// </summary>
    public int? RateLimit { get; set; }
    public WebhookContext Context { get; set; } = WebhookContext.Empty;

    private string? _filter;
    private Filters.PayloadFilter? _payloadFilter;

    /// <summary>
    /// The payload filter's canonical JSON (see <see cref="Filters.PayloadFilterParser"/>); null when every event of the
    /// trigger and context goes. Saved on its own, like the endpoint authentication, so it does not bump <see cref="Version"/>.
    /// </summary>
    public string? Filter
    {
        get => _filter;
        set
        {
            _filter = value;
            _payloadFilter = null;
        }
    }

    /// <summary>
    /// <see cref="Filter"/> parsed, once per loaded webhook: the directory keeps webhooks in memory, so publishing matches
    /// against a ready tree. Only filters that passed the rules are stored, so it is null only when there is none.
    /// </summary>
    public Filters.PayloadFilter? PayloadFilter => _filter is null ? null : _payloadFilter ??= Filters.PayloadFilterParser.Parse(_filter).Filter;

    /// <summary>The documented <c>__v</c>; bumped on every save and checked so a stale save is refused.</summary>
    public int Version { get; set; }

    /// <summary>Signs deliveries (Standard Webhooks); never part of the COTWebhook JSON.</summary>
    public string Secret { get; set; } = "";

    /// <summary>The secret before the last rotation; it keeps signing beside <see cref="Secret"/> until it expires.</summary>
    public string? PreviousSecret { get; set; }

    public DateTime? PreviousSecretExpiresAt { get; set; }

    public DateTime CreatedAt { get; init; }
    public DateTime ModifiedAt { get; set; }

    /// <summary>Since when every finished delivery has failed (the first failure after the last success); null when the last one succeeded.</summary>
    public DateTime? FailingSince { get; set; }

    /// <summary>Deliveries that failed for good since the last success.</summary>
    public int ConsecutiveFailures { get; set; }

    /// <summary>
    /// The failing streak (its <see cref="FailingSince"/>) the company was last told about, so that each fact is said once
    /// per streak (<see cref="Delivery.FailingWebhooks"/>); null when nothing was said or the streak's end was.
    /// </summary>
    public DateTime? WarnedFailingSince { get; set; }

    /// <summary>What was said of that streak: 50 or 90 (percent of <c>DisableAfter</c> gone), 100 once it is probed; 0: nothing.</summary>
    public int WarnedPercent { get; set; }

    /// <summary>
    /// Set when the webhook reached its deactivation threshold: its lane sends nothing before this time, then one attempt
    /// (the probe), whose outcome decides between deactivation and recovery. Null: not probed.
    /// </summary>
    public DateTime? ProbeAfter { get; set; }

    /// <summary>When the probe attempt was made, recorded with it by the writer; null while it has not been.</summary>
    public DateTime? ProbedAt { get; set; }

    /// <summary>Whether the probe attempt was answered with a success (meaningful once <see cref="ProbedAt"/> is set).</summary>
    public bool ProbeSucceeded { get; set; }

    /// <summary>Why the app deactivated the webhook by itself (null when an admin did, or it is active).</summary>
    public string? DisabledReason { get; set; }

    /// <summary>When the app deactivated it by itself.</summary>
    public DateTime? DisabledAt { get; set; }
}

/// <summary>The documented <c>context</c>: always all three fields, <c>""</c> where the trigger does not use one.</summary>
public sealed record WebhookContext(string Survey, string Group, string TaskGroup)
{
    public static WebhookContext Empty { get; } = new("", "", "");

    /// <summary>Keeps only what <paramref name="trigger"/> narrows by, so switching trigger never leaves stale ids behind.</summary>
    public WebhookContext For(WebhookTrigger? trigger) => trigger?.Context switch
    {
        TriggerContext.Workflow => new("", "", TaskGroup),
        TriggerContext.SurveyAndGroup => new(Survey, Group, ""),
        _ => Empty,
    };
}
