namespace WebhookAdmin.Features.Notices;

/// <summary>Names <c>NoticeText.resx</c>: the app bar's notifications (the bell, its list, a sentence per kind of notice), in every language.</summary>
public sealed class NoticeText
{
    private NoticeText()
    {
    }
}
