using System.Text.RegularExpressions;

namespace WebhookAdmin.Core.Webhooks;

/// <summary>The field rules of a COTWebhook, one message per broken rule, keyed by the field's JSON path.</summary>
public static partial class WebhookRules
{
    public const int NameMaxLength = 200;
    public const int UrlMaxLength = 2048;
    public const int DescriptionMaxLength = 1000;

    public static bool IsValidCodeFormat(string? code) =>
        !string.IsNullOrEmpty(code) && code.Length <= CodeSuggester.MaxLength && CodePattern().IsMatch(code);

    public static string? CheckName(string? name) =>
        string.IsNullOrWhiteSpace(name) ? "Name is required."
        : name.Length > NameMaxLength ? $"Name must be at most {NameMaxLength} characters."
        : null;

    public static string? CheckCodeFormat(string? code) =>
        string.IsNullOrEmpty(code) ? "Code is required."
        : code.Length > CodeSuggester.MaxLength ? $"Code must be at most {CodeSuggester.MaxLength} characters."
        : !CodePattern().IsMatch(code) ? "Code may contain only lowercase letters, digits and underscores."
        : null;

    public static string CodeTakenMessage(string code) => $"Code '{code}' is already used by another webhook of this company.";

    public static string? CheckUrl(string? url)
    {
        if (string.IsNullOrWhiteSpace(url))
            return "Url is required.";
        if (url.Length > UrlMaxLength)
            return $"Url must be at most {UrlMaxLength} characters.";
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            return "Url must be an absolute http:// or https:// address.";
        if (!string.IsNullOrEmpty(uri.UserInfo))
            return "Url must not contain a user name or password.";
        return null;
    }

    public static string? CheckDescription(string? description) =>
        description is { Length: > DescriptionMaxLength } ? $"Description must be at most {DescriptionMaxLength} characters." : null;

    public static string? CheckTrigger(string? trigger) =>
        string.IsNullOrEmpty(trigger) ? "Trigger is required."
        : WebhookTrigger.Find(trigger) is null ? $"Trigger must be one of: {string.Join(", ", WebhookTrigger.All.Select(t => t.Value))}."
        : null;

    /// <summary>Errors for the context fields <paramref name="trigger"/> needs; unused fields are cleared, not judged.</summary>
    public static IEnumerable<(string Field, string Message)> CheckContext(WebhookTrigger? trigger, WebhookContext context)
    {
        switch (trigger?.Context)
        {
            case TriggerContext.Workflow:
                if (CheckObjectId(context.TaskGroup, "A workflow") is { } workflowError)
                    yield return ("context.taskGroup", workflowError);
                break;
            case TriggerContext.SurveyAndGroup:
                if (CheckObjectId(context.Survey, "A survey") is { } surveyError)
                    yield return ("context.survey", surveyError);
                if (CheckObjectId(context.Group, "A group") is { } groupError)
                    yield return ("context.group", groupError);
                break;
        }
    }

    private static string? CheckObjectId(string value, string what) =>
        string.IsNullOrEmpty(value) ? $"{what} is required for this trigger."
        : !ObjectId.IsValid(value) ? $"{what} must be a 24-character hexadecimal ObjectId."
        : null;

    // \z, not $: in .NET "$" also matches before a final newline, which let "fz_newline\n" through.
    [GeneratedRegex(@"^[a-z0-9_]+\z")]
    private static partial Regex CodePattern();
}
