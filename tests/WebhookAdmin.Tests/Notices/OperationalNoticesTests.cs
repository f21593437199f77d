using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WebhookAdmin.Core.Delivery;
using WebhookAdmin.Core.Events;
using WebhookAdmin.Core.Events.Catalogue;
using WebhookAdmin.Core.Notices;
using WebhookAdmin.Core.Storage;
using WebhookAdmin.Core.Webhooks;
using WebhookAdmin.Tests.Catalogue;
using WebhookAdmin.Tests.Delivery.Support;
using WebhookAdmin.Tests.Support;

namespace WebhookAdmin.Tests.Notices;

/// <summary>What a company is told of its webhooks: its operations webhooks receive it, signed; its admins list it.</summary>
public sealed class OperationalNoticesTests
{
    private const string Admin = "admin-sub";

    [Fact]
    public async Task Exhausted_deliveries_go_to_the_operations_webhook_signed_and_are_one_counted_notice_for_the_admins()
    {
        await using var down = await Receiver.StartAsync(Answers.Status(500, "down"));
        await using var operations = await Receiver.StartAsync();
        await using var host = await DispatcherHost.StartAsync();
        var failing = await host.CreateUserWebhookAsync(down.Url, "Orders to ERP");
        var watcher = await CreateOperationsWebhookAsync(host, operations.Url);

        await host.PublishUserEditsAsync(1, 2);

        await Eventually.WaitAsync(() => operations.Requests, r => r.Count == 2, TimeSpan.FromSeconds(20), "both exhaustions told");
        var logs = await host.LogsAsync(failing.Id);
        var secret = await host.Services.GetRequiredService<WebhookSecrets>().GetAsync(Ids.Acme, watcher.Id);
        var told = operations.Requests.OrderBy(r => r.Event.GetProperty("data").GetProperty("delivery").GetProperty("sequence").GetInt64()).ToArray();
        for (var i = 0; i < 2; i++)
        {
            var body = told[i].Event;
            Assert.Equal(1, SpecVerifier.MatchingSignatures(told[i], secret!));
            Assert.Equal((NoticeKinds.Type, NoticeKinds.DeliveryExhausted, Ids.Acme),
                (body.GetProperty("type").GetString(), body.GetProperty("event").GetString(), body.GetProperty("company").GetString()));
            var data = body.GetProperty("data");
            Assert.Equal((failing.Id, "Orders to ERP", down.Url, WebhookTrigger.User),
                (data.GetProperty("webhook").GetProperty("_id").GetString(), data.GetProperty("webhook").GetProperty("name").GetString(),
                 data.GetProperty("webhook").GetProperty("url").GetString(), data.GetProperty("webhook").GetProperty("trigger").GetString()));
            var delivery = data.GetProperty("delivery");
            Assert.Equal((logs[i].PublicId, i + 1L, "COTUser", "edit", 3, 500),
                (delivery.GetProperty("_id").GetString(), delivery.GetProperty("sequence").GetInt64(), delivery.GetProperty("type").GetString(),
                 delivery.GetProperty("event").GetString(), delivery.GetProperty("attempts").GetInt32(), delivery.GetProperty("status").GetInt32()));
            Assert.Empty(BodySchema.Errors(EventCatalogue.Find(WebhookTrigger.Operations, NoticeKinds.DeliveryExhausted)!.Schema, body));
        }

        var board = host.Services.GetRequiredService<NoticeBoard>();
        var list = await Eventually.WaitAsync(() => board.RecentAsync(Ids.Acme, Admin), l => l.Notices.Count == 1 && l.Notices[0].Count == 2, what: "one notice counting both");
        var notice = list.Notices[0];
        Assert.Equal((NoticeKinds.DeliveryExhausted, failing.Id, "Orders to ERP", true, 1), (notice.Kind, notice.WebhookId, notice.WebhookName, notice.Unread, list.Unread));
        Assert.Equal(2, notice.Data.GetProperty("delivery").GetProperty("sequence").GetInt64());
        Assert.Empty((await board.RecentAsync(Ids.Globex, Admin)).Notices);

        await board.MarkSeenAsync(Ids.Acme, Admin, notice.At);
        var seen = await board.RecentAsync(Ids.Acme, Admin);
        Assert.Equal((0, false), (seen.Unread, seen.Notices[0].Unread));
        Assert.Equal(1, (await board.RecentAsync(Ids.Acme, "another-admin")).Unread);
    }

    [Fact]
    public async Task An_operations_webhook_is_never_sent_what_is_said_about_itself()
    {
        await using var down = await Receiver.StartAsync(Answers.Status(500, "down"));
        await using var host = await DispatcherHost.StartAsync();
        var failing = await host.CreateUserWebhookAsync(down.Url);
        var watcher = await CreateOperationsWebhookAsync(host, down.Url);

        await host.PublishUserEditsAsync(1);

        // The user webhook's delivery exhausts, which the operations webhook is sent; that one exhausts too, which is
        // listed for the admins but not sent to it again.
        var board = host.Services.GetRequiredService<NoticeBoard>();
        await Eventually.WaitAsync(() => board.RecentAsync(Ids.Acme, Admin), l => l.Notices.Any(n => n.WebhookId == watcher.Id),
            TimeSpan.FromSeconds(20), "the operations webhook's own exhaustion listed");
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Single(await host.LogsAsync(watcher.Id));
        Assert.Equal(new[] { failing.Id, watcher.Id }.Order(), (await board.RecentAsync(Ids.Acme, Admin)).Notices.Select(n => n.WebhookId).Order());
    }

    [Fact]
    public async Task Failing_disabled_and_recovered_reach_the_operations_webhook_as_the_catalogue_describes_them()
    {
        await using var operations = await Receiver.StartAsync();
        await using var host = await DispatcherHost.StartAsync();
        var subject = await host.CreateUserWebhookAsync("https://receiver.example/orders", "Orders");
        await CreateOperationsWebhookAsync(host, operations.Url);
        var notices = host.Services.GetRequiredService<IOperationalNotices>();
        // Said now, then a second and two later, as the engine would over days.
        var now = Core.UnixTime.Truncate(DateTime.UtcNow);
        var since = now.AddDays(-2.5);

        await notices.WebhookFailingAsync(Ids.Acme, subject.Id, 50, since, 37, since.AddDays(5), CancellationToken.None);
        await notices.WebhookDisabledAsync(Ids.Acme, subject.Id, since, 112, now.AddSeconds(1), probed: true, CancellationToken.None);
        await notices.WebhookRecoveredAsync(Ids.Acme, subject.Id, since, now.AddSeconds(2), probed: false, CancellationToken.None);

        await Eventually.WaitAsync(() => operations.Requests, r => r.Count == 3, what: "the three facts told");
        var bodies = operations.Requests.Select(r => r.Event).OrderBy(b => b.GetProperty("event").GetString() switch
        {
            NoticeKinds.WebhookFailing => 0,
            NoticeKinds.WebhookDisabled => 1,
            _ => 2,
        }).ToArray();
        Assert.Equal([NoticeKinds.WebhookFailing, NoticeKinds.WebhookDisabled, NoticeKinds.WebhookRecovered], bodies.Select(b => b.GetProperty("event").GetString()));
        foreach (var body in bodies)
            Assert.Empty(BodySchema.Errors(EventCatalogue.Find(WebhookTrigger.Operations, body.GetProperty("event").GetString()!)!.Schema, body));
        Assert.Equal((50, CotEventJson.Timestamp(since), 37, CotEventJson.Timestamp(since.AddDays(5))),
            (bodies[0].GetProperty("data").GetProperty("percent").GetInt32(), bodies[0].GetProperty("data").GetProperty("failingSince").GetString(),
             bodies[0].GetProperty("data").GetProperty("failures").GetInt32(), bodies[0].GetProperty("data").GetProperty("disableAt").GetString()));
        Assert.True(bodies[1].GetProperty("data").GetProperty("probed").GetBoolean());
        Assert.Equal(CotEventJson.Timestamp(now.AddSeconds(2)), bodies[2].GetProperty("data").GetProperty("recoveredAt").GetString());

        var list = await host.Services.GetRequiredService<NoticeBoard>().RecentAsync(Ids.Acme, Admin);
        Assert.Equal([NoticeKinds.WebhookRecovered, NoticeKinds.WebhookDisabled, NoticeKinds.WebhookFailing], list.Notices.Select(n => n.Kind));
        Assert.Equal((50, true), (list.Notices[2].Percent, list.Notices[1].Probed));
    }

    [Fact]
    public async Task A_company_without_an_operations_webhook_still_sees_its_notices_and_another_company_is_never_told()
    {
        await using var down = await Receiver.StartAsync(Answers.Status(503, "down"));
        await using var globexOperations = await Receiver.StartAsync();
        await using var host = await DispatcherHost.StartAsync();
        var failing = await host.CreateUserWebhookAsync(down.Url);
        await CreateOperationsWebhookAsync(host, globexOperations.Url, Ids.Globex);

        await host.PublishUserEditsAsync(1);

        var board = host.Services.GetRequiredService<NoticeBoard>();
        await Eventually.WaitAsync(() => board.RecentAsync(Ids.Acme, Admin), l => l.Notices.Count == 1, TimeSpan.FromSeconds(20), "Acme's notice");
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        Assert.Empty(globexOperations.Requests);
        Assert.Empty((await board.RecentAsync(Ids.Globex, Admin)).Notices);
        Assert.Equal(failing.Id, (await board.RecentAsync(Ids.Acme, Admin)).Notices[0].WebhookId);
    }

    [Fact]
    public async Task A_payload_filter_on_the_operations_webhook_picks_the_facts_it_wants()
    {
        await using var down = await Receiver.StartAsync(Answers.Status(500, "down"));
        await using var operations = await Receiver.StartAsync();
        await using var host = await DispatcherHost.StartAsync();
        var subject = await host.CreateUserWebhookAsync(down.Url);
        var watcher = await CreateOperationsWebhookAsync(host, operations.Url);
        Assert.IsType<Core.Filters.FilterOutcome.Saved>(await host.Services.GetRequiredService<Core.Filters.PayloadFilterService>()
            .SaveAsync(Ids.Acme, watcher.Id, JsonDocument.Parse("""{"path":"event","op":"eq","value":"webhook.disabled"}""").RootElement));

        await host.PublishUserEditsAsync(1);
        await host.Services.GetRequiredService<IOperationalNotices>()
            .WebhookDisabledAsync(Ids.Acme, subject.Id, DateTime.UtcNow.AddDays(-5), 30, DateTime.UtcNow, probed: false, CancellationToken.None);

        await Eventually.WaitAsync(() => operations.Requests, r => r.Count == 1, what: "the deactivation told");
        var board = host.Services.GetRequiredService<NoticeBoard>();
        await Eventually.WaitAsync(() => board.RecentAsync(Ids.Acme, Admin), l => l.Notices.Count == 2, TimeSpan.FromSeconds(20), "both listed");
        Assert.Equal(NoticeKinds.WebhookDisabled, Assert.Single(operations.Requests).Event.GetProperty("event").GetString());
    }

    [Fact]
    public async Task A_webhook_that_fails_then_answers_its_probe_is_told_failing_then_recovered_to_the_operations_webhook()
    {
        await using var receiver = await Receiver.StartAsync(Answers.Status(503, "down"));
        await using var operations = await Receiver.StartAsync();
        await using var host = await DispatcherHost.StartAsync(new Dictionary<string, string>
        {
            ["DisableAfter"] = "00:00:02",
            ["ProbeCoolDown"] = "00:00:01",
            ["RetryDelay"] = "00:00:00.010",
        });
        var failing = await host.CreateUserWebhookAsync(receiver.Url, "Orders to ERP");
        await CreateOperationsWebhookAsync(host, operations.Url);
        await host.PublishUserEditsAsync([.. Enumerable.Range(1, DeliveryOptions.DisableAfterFailures)]);

        // Past the span with twenty failures, the webhook is probed rather than deactivated; the receiver is back by then.
        await Eventually.WaitAsync(() => host.Webhooks.GetAsync(Ids.Acme, failing.Id), w => w!.ProbeAfter is not null, TimeSpan.FromSeconds(20), "the probe to start");
        receiver.Answer = Answers.Status(200);
        await host.PublishUserEditsAsync(21, 22);

        await Eventually.WaitAsync(() => receiver.Requests.Count(r => r.N > 20), n => n == 2, TimeSpan.FromSeconds(20), "the held deliveries sent after the probe");
        var told = await Eventually.WaitAsync(() => operations.Requests.Select(r => r.Event).ToArray(),
            e => e.Any(b => b.GetProperty("event").GetString() == NoticeKinds.WebhookRecovered), TimeSpan.FromSeconds(20), "the recovery told");
        var lifecycle = told.Where(b => b.GetProperty("event").GetString() != NoticeKinds.DeliveryExhausted).ToArray();
        Assert.Equal(NoticeKinds.WebhookFailing, lifecycle[0].GetProperty("event").GetString());
        var recovered = Assert.Single(lifecycle, b => b.GetProperty("event").GetString() == NoticeKinds.WebhookRecovered);
        Assert.True(recovered.GetProperty("data").GetProperty("probed").GetBoolean());
        Assert.Equal(failing.Id, recovered.GetProperty("data").GetProperty("webhook").GetProperty("_id").GetString());
        Assert.DoesNotContain(lifecycle, b => b.GetProperty("event").GetString() == NoticeKinds.WebhookDisabled);
        Assert.Equal(DeliveryOptions.DisableAfterFailures, told.Count(b => b.GetProperty("event").GetString() == NoticeKinds.DeliveryExhausted));
        Assert.Equal([21, 22], receiver.Requests.Where(r => r.N > 20).Select(r => r.N));
        Assert.True((await host.Webhooks.GetAsync(Ids.Acme, failing.Id))!.IsActive);
    }

    [Fact]
    public async Task The_events_api_refuses_to_publish_an_operational_event()
    {
        await using var host = await DispatcherHost.StartAsync(dispatch: false);
        var outcome = await host.Publisher.PublishAsync(Ids.Acme, new CotEvent(NoticeKinds.Type, NoticeKinds.WebhookDisabled, JsonDocument.Parse("{}").RootElement));

        var invalid = Assert.IsType<PublishOutcome.Invalid>(outcome);
        Assert.Contains("cannot be published", Assert.Single(invalid.Errors["type"]));
        await using var db = await host.Services.GetRequiredService<IDbContextFactory<WebhookAdminDbContext>>().CreateDbContextAsync();
        Assert.Equal(0, await db.Events.CountAsync());
    }

    private static async Task<Webhook> CreateOperationsWebhookAsync(DispatcherHost host, string url, string company = Ids.Acme) =>
        await host.CreateWebhookAsync(new WebhookDraft("Operations", url, WebhookTrigger.Operations), company);
}
