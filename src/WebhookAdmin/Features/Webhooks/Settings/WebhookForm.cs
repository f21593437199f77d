using WebhookAdmin.Core.Webhooks;

namespace WebhookAdmin.Features.Webhooks.Settings;

/// <summary>What the settings panel's fields hold; compared with the last saved copy to know whether anything is unsaved.</summary>
public sealed record WebhookForm(
    string Name,
    string Code,
    string Url,
    string Description,
    string Trigger,
    string Workflow,
    string Survey,
    string Group,
    bool IsActive,
    string RateLimit = "")
{
    public static WebhookForm Empty { get; } = new("", "", "", "", "", "", "", "", IsActive: true);

    public static WebhookForm From(Webhook webhook) => new(
        webhook.Name, webhook.Code, webhook.Url, webhook.Description, webhook.Trigger,
        webhook.Context.TaskGroup, webhook.Context.Survey, webhook.Context.Group, webhook.IsActive,
        webhook.RateLimit?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "");

    /// <summary>The throttle as typed: empty is none. Read only once <see cref="WebhookRules.CheckRateLimit(string?)"/> passes.</summary>
    public int? RateLimitValue => WebhookRules.TryParseRateLimit(RateLimit, out var value) ? value : null;

    public WebhookContext Context => new(Survey, Group, Workflow);

    public TriggerContext TriggerContext => WebhookTrigger.Find(Trigger)?.Context ?? TriggerContext.None;
}

/// <summary>The keys of the settings panel's fields, the same JSON paths the service layer reports errors under.</summary>
public static class WebhookFields
{
    public const string Name = "name";
    public const string Code = "code";
    public const string Url = "url";
    public const string Description = "description";
    public const string Trigger = "trigger";
    public const string Workflow = "context.taskGroup";
    public const string Survey = "context.survey";
    public const string Group = "context.group";
    public const string RateLimit = "rateLimit";

    public static IReadOnlyList<string> All { get; } = [Name, Code, Url, Description, Trigger, Workflow, Survey, Group, RateLimit];
}
