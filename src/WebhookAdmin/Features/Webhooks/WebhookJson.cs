using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using WebhookAdmin.Core.Webhooks;

namespace WebhookAdmin.Features.Webhooks;

/// <summary>
/// The documented COTWebhook JSON, field for field and in the documented order, and one added field at the end:
/// <c>rateLimit</c> (named as Svix names its throttle), null when the webhook has none.
/// </summary>
public sealed record WebhookJson(
    [property: JsonPropertyName("_id")] string Id,
    string Company,
    bool IsActive,
    string Trigger,
    string Url,
    string Name,
    string Code,
    WebhookContextJson Context,
    [property: JsonPropertyName("__v")] int Version,
    string Description,
    [property: Description(WebhookJson.RateLimitDescription), Range(WebhookRules.RateLimitMin, WebhookRules.RateLimitMax)] int? RateLimit)
{
    public const string RateLimitDescription =
        "The most deliveries per second sent to this webhook's receiver, retries included, spaced evenly; null for no limit.";

    public static WebhookJson From(Webhook webhook) => new(
        webhook.Id, webhook.CompanyId, webhook.IsActive, webhook.Trigger, webhook.Url, webhook.Name, webhook.Code,
        new WebhookContextJson(webhook.Context.Survey, webhook.Context.Group, webhook.Context.TaskGroup),
        webhook.Version, webhook.Description, webhook.RateLimit);
}

/// <summary>The documented <c>context</c>; a field it does not have is refused (a <c>workflow</c> meant as <c>taskGroup</c> would otherwise vanish).</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record WebhookContextJson(string? Survey, string? Group, string? TaskGroup)
{
    public WebhookContext ToContext() => new(Survey ?? "", Group ?? "", TaskGroup ?? "");
}

/// <summary>POST body. A missing <c>code</c> is suggested from the name; unknown fields are refused, so typos are caught.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record CreateWebhookRequest(
    string? Name,
    string? Url,
    string? Trigger,
    WebhookContextJson? Context,
    string? Code,
    string? Description,
    bool? IsActive,
    [property: Description(WebhookJson.RateLimitDescription), Range(WebhookRules.RateLimitMin, WebhookRules.RateLimitMax)] int? RateLimit)
{
    public WebhookDraft ToDraft() => new(Name, Url, Trigger, Context?.ToContext(), Code, Description, IsActive ?? true, RateLimit);
}

/// <summary>
/// PATCH body: only the fields present change. <c>__v</c>, when sent, must be the stored version (else 409).
/// <c>_id</c> and <c>company</c> are accepted so a GET response can be sent back as it is, but must then be the stored
/// ones: a webhook cannot change its id or move to another company.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record UpdateWebhookRequest(
    string? Name,
    string? Url,
    string? Trigger,
    WebhookContextJson? Context,
    string? Code,
    string? Description,
    bool? IsActive,
    [property: JsonPropertyName("__v")] int? Version,
    [property: JsonPropertyName("_id")] string? Id,
    string? Company)
{
    private readonly int? _rateLimit;

    /// <summary>Sent as null, it removes the throttle; not sent, it leaves it as it is (so it is not a constructor parameter).</summary>
    [Description(WebhookJson.RateLimitDescription), Range(WebhookRules.RateLimitMin, WebhookRules.RateLimitMax)]
    public int? RateLimit
    {
        get => _rateLimit;
        init
        {
            _rateLimit = value;
            RateLimitSent = true;
        }
    }

    [JsonIgnore]
    public bool RateLimitSent { get; private init; }

    public WebhookChanges ToChanges() => new(Name, Url, Trigger, Context?.ToContext(), Code, Description, IsActive, Version,
        RateLimitSent ? new Replacement<int?>(RateLimit) : null);
}
