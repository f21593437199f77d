namespace WebhookAdmin.Features.Logs;

/// <summary>Names <c>LogsText.resx</c>: the Logs tab's words (filters, result chips, the log panel, the JSON viewer), in every language.</summary>
public sealed class LogsText
{
    private LogsText()
    {
    }
}
