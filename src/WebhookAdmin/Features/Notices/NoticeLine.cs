using System.Globalization;
using Microsoft.Extensions.Localization;
using MudBlazor;
using WebhookAdmin.Core.Notices;
using WebhookAdmin.Localization;

namespace WebhookAdmin.Features.Notices;

/// <summary>One notice as the bell's list shows it: an icon and colour for its kind, a sentence, where it leads.</summary>
public sealed record NoticeLine(string Id, string Kind, string Icon, Color Color, string Sentence, string Href, DateTime At, bool Unread)
{
    /// <summary>Past this many unread the badge stops counting: <see cref="NoticeBoard"/> counts no further.</summary>
    public const int MaxBadge = NoticeBoard.MaxCounted - 1;

    /// <summary>The badge's text: none when everything is read, "99+" past <see cref="MaxBadge"/>.</summary>
    public static string? Badge(int unread) =>
        unread <= 0 ? null
        : unread > MaxBadge ? MaxBadge.ToString(CultureInfo.CurrentCulture) + "+"
        : unread.ToString(CultureInfo.CurrentCulture);

    /// <summary>The bell's accessible name, which says what the badge shows.</summary>
    public static string BellName(IStringLocalizer<NoticeText> text, int unread) =>
        Badge(unread) is { } count ? text["NotificationsUnread", count] : text["Notifications"];

    public static NoticeLine Of(NoticeView notice, IStringLocalizer<NoticeText> text)
    {
        var name = notice.WebhookName.Length > 0 ? notice.WebhookName : notice.WebhookId;
        var settings = $"/admin/webhooks/{Uri.EscapeDataString(notice.WebhookId)}";
        var (icon, color, sentence, href) = notice.Kind switch
        {
            NoticeKinds.WebhookFailing => (Icons.Material.Filled.Warning, Color.Warning,
                notice.Percent is null or 50 ? text["FailingHalf", name].Value : text["FailingPercent", name, notice.Percent].Value, settings),
            NoticeKinds.WebhookDisabled => (Icons.Material.Filled.Block, Color.Error,
                text[notice.Probed ? "DisabledProbed" : "Disabled", name].Value, settings),
            NoticeKinds.WebhookRecovered => (Icons.Material.Filled.CheckCircle, Color.Success,
                text[notice.Probed ? "RecoveredProbed" : "Recovered", name].Value, settings),
            // delivery.exhausted, the last of NoticeKinds.All: the failed deliveries themselves are on the webhook's Logs tab.
            _ => (Icons.Material.Filled.ErrorOutline, Color.Error, text.Plural("Exhausted", notice.Count, name), settings + "?tab=logs"),
        };
        return new NoticeLine(notice.Id, notice.Kind, icon, color, sentence, href, notice.At, notice.Unread);
    }
}
