namespace WebhookAdmin.Core.Webhooks;

/// <summary>What an admin or API client asks to create. A missing code is suggested from the name.</summary>
public sealed record WebhookDraft(
    string? Name,
    string? Url,
    string? Trigger,
    WebhookContext? Context = null,
    string? Code = null,
    string? Description = null,
    bool IsActive = true,
    int? RateLimit = null);

/// <summary>A new value for a field that may be emptied: <c>new(null)</c> empties it, where a null change leaves it as it is.</summary>
public sealed record Replacement<T>(T Value);

/// <summary>
/// A partial update: null leaves a field as it is. <paramref name="ExpectedVersion"/> is the <c>__v</c> the editor
/// last saw; when given, a webhook saved by someone else since is reported as a conflict instead of overwritten.
/// </summary>
public sealed record WebhookChanges(
    string? Name = null,
    string? Url = null,
    string? Trigger = null,
    WebhookContext? Context = null,
    string? Code = null,
    string? Description = null,
    bool? IsActive = null,
    int? ExpectedVersion = null,
    Replacement<int?>? RateLimit = null);

/// <summary>How a save ended; each case carries what its caller needs to answer.</summary>
public abstract record WebhookOutcome
{
    private WebhookOutcome() { }

    public sealed record Saved(Webhook Webhook) : WebhookOutcome;

    public sealed record NotFound : WebhookOutcome;

    /// <summary>Field errors keyed by the JSON path of the field (<c>name</c>, <c>context.taskGroup</c>, …).</summary>
    public sealed record Invalid(IReadOnlyDictionary<string, string[]> Errors) : WebhookOutcome;

    /// <summary>Someone saved first; <paramref name="Current"/> is what is stored now.</summary>
    public sealed record Conflict(Webhook Current) : WebhookOutcome;
}
