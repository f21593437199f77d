namespace WebhookAdmin.Features.Recovery;

/// <summary>Names <c>RecoveryPanelText.resx</c>: the Logs tab's bulk recovery (start, progress, cancel), in every language.</summary>
public sealed class RecoveryPanelText
{
    private RecoveryPanelText()
    {
    }
}
