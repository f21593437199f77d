namespace WebhookAdmin.Components;

/// <summary>Names <c>AppText.resx</c>: the app shell's words (app bar, language menu, Page not found, Administrators only, confirmations), in every language.</summary>
public sealed class AppText
{
    private AppText()
    {
    }
}
