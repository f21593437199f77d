using System.Text.RegularExpressions;

namespace WebhookAdmin.Core.Webhooks;

/// <summary>
/// The field rules of a COTWebhook, one message per broken rule, keyed by the field's JSON path. Messages are in the
/// caller's language (<see cref="WebhookText"/>); the field keys never change with it.
/// </summary>
public static partial class WebhookRules
{
    private static readonly Microsoft.Extensions.Localization.IStringLocalizer Text = WebhookText.Localizer;

    public const int NameMaxLength = 200;
    public const int UrlMaxLength = 2048;
    public const int DescriptionMaxLength = 1000;

    public static bool IsValidCodeFormat(string? code) =>
        !string.IsNullOrEmpty(code) && code.Length <= CodeSuggester.MaxLength && CodePattern().IsMatch(code);

    public static string? CheckName(string? name) =>
        string.IsNullOrWhiteSpace(name) ? Say("NameRequired")
        : name.Length > NameMaxLength ? Say("NameTooLong", NameMaxLength)
        // One line (the panel's list and the pickers show it so), and never a NUL, which PostgreSQL refuses.
        : StoredText.HasForbiddenCharacters(name) ? Say("NameControlCharacters")
        : null;

    public static string? CheckCodeFormat(string? code) =>
        string.IsNullOrEmpty(code) ? Say("CodeRequired")
        : code.Length > CodeSuggester.MaxLength ? Say("CodeTooLong", CodeSuggester.MaxLength)
        : !CodePattern().IsMatch(code) ? Say("CodeFormat")
        : null;

    public static string CodeTakenMessage(string code) => Say("CodeTaken", code);

    public static string CodeFrozenMessage => Say("CodeFrozen");

    public static string? CheckUrl(string? url)
    {
        if (string.IsNullOrWhiteSpace(url))
            return Say("UrlRequired");
        if (url.Length > UrlMaxLength)
            return Say("UrlTooLong", UrlMaxLength);
        // Before Uri parses it: Uri quietly drops tabs and line breaks, so what would be stored is not what was checked.
        if (StoredText.HasForbiddenCharacters(url))
            return Say("UrlControlCharacters");
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            return Say("UrlNotAbsolute");
        if (!string.IsNullOrEmpty(uri.UserInfo))
            return Say("UrlHasCredentials");
        return null;
    }

    /// <summary>A description may run over several lines (line breaks and tabs are kept), but holds no other control character.</summary>
    public static string? CheckDescription(string? description) =>
        description is { Length: > DescriptionMaxLength } ? Say("DescriptionTooLong", DescriptionMaxLength)
        : StoredText.HasForbiddenCharacters(description, allowLineBreaks: true) ? Say("DescriptionControlCharacters")
        : null;

    /// <summary>The fewest and most deliveries per second a webhook's throttle may allow (null: no throttle).</summary>
    public const int RateLimitMin = 1;
    public const int RateLimitMax = 10_000;

    public static string? CheckRateLimit(int? rateLimit) =>
        rateLimit is < RateLimitMin or > RateLimitMax ? RateLimitMessage : null;

    /// <summary>The settings panel's text: empty is no limit; anything else must be a whole number in range.</summary>
    public static string? CheckRateLimit(string? text) =>
        string.IsNullOrWhiteSpace(text) ? null
        : TryParseRateLimit(text, out var value) ? CheckRateLimit(value)
        : RateLimitMessage;

    /// <summary>Reads what an admin typed: empty is no limit (null); false when it is not a whole number.</summary>
    public static bool TryParseRateLimit(string? text, out int? rateLimit)
    {
        rateLimit = null;
        if (string.IsNullOrWhiteSpace(text))
            return true;
        if (!int.TryParse(text.Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value))
            return false;
        rateLimit = value;
        return true;
    }

    public static string RateLimitMessage => Say("RateLimitRange", RateLimitMin, RateLimitMax);

    public static string? CheckTrigger(string? trigger) =>
        string.IsNullOrEmpty(trigger) ? Say("TriggerRequired")
        : WebhookTrigger.Find(trigger) is null ? Say("TriggerUnknown", string.Join(", ", WebhookTrigger.All.Select(t => t.Value)))
        : null;

    /// <summary>Errors for the context fields <paramref name="trigger"/> needs; unused fields are cleared, not judged.</summary>
    public static IEnumerable<(string Field, string Message)> CheckContext(WebhookTrigger? trigger, WebhookContext context)
    {
        switch (trigger?.Context)
        {
            case TriggerContext.Workflow:
                if (CheckObjectId(context.TaskGroup, "Workflow") is { } workflowError)
                    yield return ("context.taskGroup", workflowError);
                break;
            case TriggerContext.SurveyAndGroup:
                if (CheckObjectId(context.Survey, "Survey") is { } surveyError)
                    yield return ("context.survey", surveyError);
                if (CheckObjectId(context.Group, "Group") is { } groupError)
                    yield return ("context.group", groupError);
                break;
        }
    }

    /// <summary><paramref name="field"/> names a whole sentence per field: in Spanish each noun brings its own article.</summary>
    private static string? CheckObjectId(string value, string field) =>
        string.IsNullOrEmpty(value) ? Say(field + "Required")
        : !ObjectId.IsValid(value) ? Say(field + "Malformed")
        : null;

    private static string Say(string key, params object[] arguments) => Text[key, arguments].Value;

    // \z, not $: in .NET "$" also matches before a final newline, which let "fz_newline\n" through.
    [GeneratedRegex(@"^[a-z0-9_]+\z")]
    private static partial Regex CodePattern();
}
