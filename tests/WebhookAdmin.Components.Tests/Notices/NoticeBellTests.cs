using AngleSharp.Dom;
using WebhookAdmin.Components.Tests.Support;
using WebhookAdmin.Core.Notices;
using WebhookAdmin.Features.Notices;

namespace WebhookAdmin.Components.Tests.Notices;

public sealed class NoticeBellTests : ComponentTest
{
    private static readonly DateTime Noon = new(2026, 11, 28, 12, 0, 0, DateTimeKind.Utc);

    private NoticeRows Rows => new(Context.Services);

    [Fact]
    public async Task The_badge_counts_the_unread_notices_and_the_bell_says_how_many()
    {
        await Rows.FailingAsync(Acme, "Orders to ERP", 50, Noon);
        await Rows.DisabledAsync(Acme, "Orders to ERP", probed: false, Noon.AddMinutes(1));
        await Rows.RecoveredAsync(Acme, "Billing", probed: false, Noon.AddMinutes(2));

        var bell = Render<NoticeBell>();

        bell.WaitForAssertion(() => Assert.Equal("3", BadgeText(bell)));
        Assert.Equal("Notifications, 3 unread", BellButton(bell).GetAttribute("aria-label"));
    }

    [Fact]
    public void With_no_notice_there_is_no_badge_and_the_list_says_so()
    {
        var bell = Render<NoticeBell>();

        bell.WaitForAssertion(() => Assert.Equal("Notifications", BellButton(bell).GetAttribute("aria-label")));
        Assert.Null(BadgeText(bell));
        BellButton(bell).Click();
        Popovers.WaitForAssertion(() => Assert.Equal("No notifications", Popovers.Find("[data-testid=notices-empty]").TextContent.Trim()));
    }

    [Fact]
    public async Task Past_ninety_nine_unread_the_badge_says_99_plus()
    {
        for (var n = 0; n < NoticeBoard.MaxCounted; n++)
            await Rows.ExhaustedAsync(Acme, $"Hook {n}", 1, Noon.AddSeconds(n));

        var bell = Render<NoticeBell>();

        bell.WaitForAssertion(() => Assert.Equal("99+", BadgeText(bell)));
        Assert.Equal("Notifications, 99+ unread", BellButton(bell).GetAttribute("aria-label"));
    }

    [Fact]
    public async Task The_list_shows_the_newest_first_with_a_sentence_icon_and_link_per_kind()
    {
        var failing = await Rows.FailingAsync(Acme, "Orders to ERP", 50, Noon);
        var nearly = await Rows.FailingAsync(Acme, "Orders to ERP", 90, Noon.AddMinutes(1));
        var disabled = await Rows.DisabledAsync(Acme, "Orders to ERP", probed: true, Noon.AddMinutes(2));
        var recovered = await Rows.RecoveredAsync(Acme, "Orders to ERP", probed: false, Noon.AddMinutes(3));
        var exhausted = await Rows.ExhaustedAsync(Acme, "Orders to ERP", 3, Noon.AddMinutes(4));
        var single = await Rows.ExhaustedAsync(Acme, "Billing", 1, Noon.AddMinutes(5));

        var lines = OpenList(Render<NoticeBell>(), expected: 6);

        Assert.Equal(
        [
            "1 delivery to Billing failed its last attempt",
            "3 deliveries to Orders to ERP failed their last attempt",
            "Orders to ERP delivers again",
            "Orders to ERP was deactivated after its deliveries kept failing (a last probe failed too)",
            "Orders to ERP: every delivery has failed for 90% of the time before it is deactivated",
            "Orders to ERP: every delivery has failed for half the time before it is deactivated",
        ], lines.Select(Sentence));
        Assert.Equal(
        [
            $"/admin/webhooks/{single.WebhookId}?tab=logs", $"/admin/webhooks/{exhausted.WebhookId}?tab=logs",
            $"/admin/webhooks/{recovered.WebhookId}", $"/admin/webhooks/{disabled.WebhookId}",
            $"/admin/webhooks/{nearly.WebhookId}", $"/admin/webhooks/{failing.WebhookId}",
        ], lines.Select(Href));
        Assert.Equal([NoticeKinds.DeliveryExhausted, NoticeKinds.DeliveryExhausted, NoticeKinds.WebhookRecovered, NoticeKinds.WebhookDisabled,
            NoticeKinds.WebhookFailing, NoticeKinds.WebhookFailing], lines.Select(l => l.GetAttribute("data-kind")));
        // Each kind has its own colour, and an icon as well, so colour is never the only sign.
        Assert.All(lines, l => Assert.NotNull(l.QuerySelector("svg")));
        Assert.Contains("mud-success-text", lines[2].QuerySelector("svg")!.GetAttribute("class"));
        Assert.Contains("mud-error-text", lines[3].QuerySelector("svg")!.GetAttribute("class"));
        Assert.Contains("mud-warning-text", lines[5].QuerySelector("svg")!.GetAttribute("class"));
        // As the Logs tab writes times: the admin's zone (UTC until the browser says), the culture's date and time.
        Assert.Equal(Noon.AddMinutes(5).ToString("G", System.Globalization.CultureInfo.GetCultureInfo("en")), lines[0].QuerySelector("[data-testid=notice-time]")!.TextContent.Trim());
    }

    [Fact]
    public async Task Opening_the_list_marks_what_it_shows_as_seen_and_the_badge_goes()
    {
        await Rows.FailingAsync(Acme, "Orders to ERP", 50, Noon);
        await Rows.ExhaustedAsync(Acme, "Billing", 2, Noon.AddMinutes(1));
        var bell = Render<NoticeBell>();
        bell.WaitForAssertion(() => Assert.Equal("2", BadgeText(bell)));

        var lines = OpenList(bell, expected: 2);

        // While open, the notices just seen still say they are new, in words and not by colour alone.
        Assert.All(lines, l => Assert.Equal("New", l.QuerySelector(".notice-new")?.TextContent.Trim()));
        bell.WaitForAssertion(() => Assert.Null(BadgeText(bell)));
        Assert.Equal("Notifications", BellButton(bell).GetAttribute("aria-label"));
        Assert.Equal(0, (await Get<NoticeBoard>().RecentAsync(Acme, "Acme Admin")).Unread);
        // Another admin of the company has still seen nothing.
        Assert.Equal(2, (await Get<NoticeBoard>().RecentAsync(Acme, "Another Admin")).Unread);
    }

    [Fact]
    public async Task Notices_keep_their_new_mark_while_the_list_stays_open_even_when_it_is_read_again()
    {
        await Rows.FailingAsync(Acme, "Orders to ERP", 50, Noon);
        var bell = Render<NoticeBell>(p => p.Add(x => x.LookEvery, TimeSpan.FromMilliseconds(100)));
        bell.WaitForAssertion(() => Assert.Equal("1", BadgeText(bell)));
        OpenList(bell, expected: 1);

        // A notice arriving while the list is open, then a few periodic looks: both say "New" until the list closes.
        await Rows.ExhaustedAsync(Acme, "Billing", 1, Noon.AddMinutes(1));
        Get<NoticeBoard>().Changed(Acme);
        Popovers.WaitForAssertion(() => Assert.Equal(2, Popovers.FindAll("[data-testid=notice]").Count));
        await Task.Delay(TimeSpan.FromMilliseconds(350));

        Popovers.WaitForAssertion(() => Assert.Equal(["true", "true"], Popovers.FindAll("[data-testid=notice]").Select(l => l.GetAttribute("data-unread"))));
        Assert.Null(BadgeText(bell));
        Assert.Equal(0, (await Get<NoticeBoard>().RecentAsync(Acme, "Acme Admin")).Unread);
    }

    [Fact]
    public async Task A_new_notice_shows_at_once_when_the_board_says_the_company_changed()
    {
        await Rows.RecoveredAsync(Acme, "Billing", probed: false, Noon);
        var bell = Render<NoticeBell>();
        bell.WaitForAssertion(() => Assert.Equal("1", BadgeText(bell)));

        await Rows.ExhaustedAsync(Acme, "Orders to ERP", 1, Noon.AddMinutes(1));
        Get<NoticeBoard>().Changed(Acme);

        bell.WaitForAssertion(() => Assert.Equal("2", BadgeText(bell)));
        Assert.Equal("1 delivery to Orders to ERP failed its last attempt", Sentence(OpenList(bell, expected: 2)[0]));
    }

    [Fact]
    public async Task Notices_stored_by_another_instance_show_at_the_next_look()
    {
        var bell = Render<NoticeBell>(p => p.Add(x => x.LookEvery, TimeSpan.FromMilliseconds(100)));
        bell.WaitForAssertion(() => Assert.Equal("Notifications", BellButton(bell).GetAttribute("aria-label")));

        // No Changed: another instance stored it, only the database knows.
        await Rows.DisabledAsync(Acme, "Orders to ERP", probed: false, Noon);

        bell.WaitForAssertion(() => Assert.Equal("1", BadgeText(bell)));
    }

    [Fact]
    public async Task A_spanish_speaking_admin_reads_the_bell_and_the_list_in_spanish()
    {
        Culture = "es-CL";
        await Rows.FailingAsync(Acme, "Pedidos al ERP", 50, Noon);
        await Rows.DisabledAsync(Acme, "Pedidos al ERP", probed: false, Noon.AddMinutes(1));
        await Rows.RecoveredAsync(Acme, "Pedidos al ERP", probed: true, Noon.AddMinutes(2));
        await Rows.ExhaustedAsync(Acme, "Pedidos al ERP", 3, Noon.AddMinutes(3));
        var bell = Render<NoticeBell>();
        bell.WaitForAssertion(() => Assert.Equal("Notificaciones, 4 sin leer", BellButton(bell).GetAttribute("aria-label")));

        var lines = OpenList(bell, expected: 4);

        Assert.Equal(
        [
            "3 envíos a Pedidos al ERP fallaron su último intento",
            "Los envíos a Pedidos al ERP vuelven a llegar (su envío de prueba llegó)",
            "Pedidos al ERP se desactivó porque sus envíos seguían fallando",
            "Pedidos al ERP: todos los envíos han fallado durante la mitad del tiempo tras el cual se desactiva",
        ], lines.Select(Sentence));
        Assert.Equal("Nueva", lines[0].QuerySelector(".notice-new")?.TextContent.Trim());
        Assert.Equal("28-11-2026 12:03:00", lines[0].QuerySelector("[data-testid=notice-time]")!.TextContent.Trim());
    }

    [Fact]
    public async Task Another_companys_notices_are_never_shown()
    {
        await Rows.DisabledAsync(Globex, "Globex payroll", probed: false, Noon);
        await Rows.RecoveredAsync(Acme, "Acme billing", probed: false, Noon.AddMinutes(1));
        var bell = Render<NoticeBell>();
        bell.WaitForAssertion(() => Assert.Equal("1", BadgeText(bell)));

        var lines = OpenList(bell, expected: 1);

        Assert.Equal("Acme billing delivers again", Sentence(lines.Single()));
        Assert.DoesNotContain("Globex", Popovers.Markup);
        // Globex's own news does not ring Acme's bell either.
        await Rows.ExhaustedAsync(Globex, "Globex payroll", 1, Noon.AddMinutes(2));
        Get<NoticeBoard>().Changed(Globex);
        await Task.Delay(300);
        Assert.DoesNotContain("Globex", Popovers.Markup);
        Assert.Null(BadgeText(bell));
    }

    private static IElement BellButton(IRenderedComponent<NoticeBell> bell) => bell.Find("[data-testid=notice-bell] button");

    private static string? BadgeText(IRenderedComponent<NoticeBell> bell) =>
        bell.FindAll(".notice-count").FirstOrDefault()?.TextContent.Trim() is { Length: > 0 } text ? text : null;

    private List<IElement> OpenList(IRenderedComponent<NoticeBell> bell, int expected)
    {
        bell.WaitForAssertion(() => Assert.NotNull(BellButton(bell)));
        BellButton(bell).Click();
        Popovers.WaitForAssertion(() => Assert.Equal(expected, Popovers.FindAll("[data-testid=notice]").Count));
        return [.. Popovers.FindAll("[data-testid=notice]")];
    }

    private static string Sentence(IElement line) => line.QuerySelector(".notice-sentence")!.TextContent.Trim();

    private static string? Href(IElement line) => line.GetAttribute("href") ?? line.QuerySelector("a")?.GetAttribute("href");
}
