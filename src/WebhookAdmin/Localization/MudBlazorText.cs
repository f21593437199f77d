namespace WebhookAdmin.Localization;

/// <summary>
/// Names <c>MudBlazorText.resx</c>: MudBlazor's own keys (its <c>LanguageResource</c>) with our translations. The neutral
/// file repeats MudBlazor's English so every language has the same keys; MudBlazor itself answers for English.
/// </summary>
public sealed class MudBlazorText
{
    private MudBlazorText()
    {
    }
}
