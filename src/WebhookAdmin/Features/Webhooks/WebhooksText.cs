namespace WebhookAdmin.Features.Webhooks;

/// <summary>Names <c>WebhooksText.resx</c>: the Webhooks panel's and the settings panel's words, in every language.</summary>
public sealed class WebhooksText
{
    private WebhooksText()
    {
    }
}
