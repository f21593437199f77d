using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using WebhookAdmin.Core.Delivery;
using WebhookAdmin.Core.Logs;
using WebhookAdmin.Tests.Delivery.Support;
using WebhookAdmin.Tests.Support;

namespace WebhookAdmin.Tests.Delivery;

/// <summary>
/// Whatever a receiver answers is recorded, on both providers the same way, and nothing the database refuses for its
/// content ever holds the writer (and so every other company's publishes and deliveries) behind it.
/// </summary>
public sealed class UnstorableContentTests
{
    // "ok", NUL, two bytes that are not UTF-8, a NUL again, then a valid "é".
    private static readonly byte[] HostileReply = [(byte)'o', (byte)'k', 0, 0xFF, 0xFE, 0, (byte)' ', 0xC3, 0xA9];

    [Fact]
    public async Task A_reply_with_nul_bytes_and_invalid_utf8_is_stored_cleaned_and_marked_and_another_company_goes_on()
    {
        await using var hostile = await Receiver.StartAsync((_, _, _) => Task.FromResult(Results.Bytes(HostileReply, "text/plain")));
        await using var quiet = await Receiver.StartAsync();
        await using var host = await DispatcherHost.StartAsync();
        var acme = await host.CreateUserWebhookAsync(hostile.Url, "Hostile receiver");
        var globex = await host.CreateUserWebhookAsync(quiet.Url, "Well-behaved receiver", Ids.Globex);

        await host.PublishAsync(Events.UserEdit(1));
        var log = (await host.SettledLogsAsync(acme.Id, 1, TimeSpan.FromSeconds(15))).Single();

        // Every publish of the other company is answered and delivered within seconds (before the fix, on PostgreSQL,
        // the record above was retried for ever and no publish of anyone was answered).
        for (var n = 2; n <= 6; n++)
            await host.PublishAsync(Events.UserEdit(n), Ids.Globex).WaitAsync(TimeSpan.FromSeconds(5));
        await Eventually.WaitAsync(() => quiet.Arrivals, a => a.Count == 5, TimeSpan.FromSeconds(10), "Globex's five deliveries");

        Assert.Equal((DeliveryState.Succeeded, 200, 1), (log.State, log.Status, log.Retry));
        Assert.Equal("ok\uFFFD\uFFFD\uFFFD\uFFFD é\n…[cleaned: invalid UTF-8 and NUL characters replaced with U+FFFD]", log.Response);
        Assert.Equal((200, true, ""), (log.Attempts.Single().Status, log.Attempts.Single().Succeeded, log.Attempts.Single().Error));
    }

    [Fact]
    public async Task A_long_reply_cut_inside_a_character_is_marked_truncated_but_not_cleaned()
    {
        // 16 KiB of "é" (2 bytes each) plus one: the cut at 16,384 bytes falls between characters, or inside one.
        var body = Encoding.UTF8.GetBytes("x" + new string('é', DeliveryOptions.ResponseBodyLimit));
        await using var receiver = await Receiver.StartAsync((_, _, _) => Task.FromResult(Results.Bytes(body, "text/plain")));
        await using var host = await DispatcherHost.StartAsync();
        var webhook = await host.CreateUserWebhookAsync(receiver.Url);

        await host.PublishAsync(Events.UserEdit(1));
        var log = (await host.SettledLogsAsync(webhook.Id, 1, TimeSpan.FromSeconds(15))).Single();

        Assert.EndsWith("é\n…[truncated: the response exceeded 16384 bytes]", log.Response, StringComparison.Ordinal);
        Assert.DoesNotContain("cleaned", log.Response, StringComparison.Ordinal);
        Assert.DoesNotContain('\uFFFD', log.Response);
    }

    [Fact]
    public async Task An_attempt_record_refused_for_its_content_is_stored_in_a_minimal_form_and_later_writes_still_commit()
    {
        // The receiver fails the first attempt and the retry waits ten minutes: the delivery stays pending and its lane
        // (on PostgreSQL, its lease) stays with this instance while the test writes the next record itself.
        await using var receiver = await Receiver.StartAsync(Answers.Status(500, "not yet"));
        await using var host = await DispatcherHost.StartAsync(new Dictionary<string, string> { ["RetryDelay"] = "00:10:00" });
        var webhook = await host.CreateUserWebhookAsync(receiver.Url);
        await host.PublishAsync(Events.UserEdit(1));
        var pending = await Eventually.WaitAsync(() => host.LogsAsync(webhook.Id), l => l.Length == 1 && l[0].Retry == 1, what: "the first attempt's record");
        var writer = host.Services.GetRequiredService<DeliveryWriter>();

        // What the sender never hands in (it cleans every reply), but a writer must survive: text the database refuses.
        var now = DateTime.UtcNow;
        await writer.RecordAsync(new AttemptWrite(pending[0].Id, webhook.Id, 2, DeliveryState.Succeeded, 200, "ok\0not storable", now,
            new WebhookLogAttempt { LogId = pending[0].Id, Number = 2, StartedAt = now, DurationMs = 12, Status = 200, Succeeded = true }));
        await writer.FlushAsync().WaitAsync(TimeSpan.FromSeconds(10));
        await host.PublishAsync(Events.UserEdit(2)).WaitAsync(TimeSpan.FromSeconds(5));

        var logs = await host.LogsAsync(webhook.Id);
        Assert.Equal(2, logs.Length);
        var stored = logs[0];
        Assert.Equal((DeliveryState.Succeeded, 200, 2), (stored.State, stored.Status, stored.Retry));
        Assert.StartsWith("response not storable: ", stored.Response, StringComparison.Ordinal);
        Assert.Equal((2, 200, true, 12), (stored.Attempts[1].Number, stored.Attempts[1].Status, stored.Attempts[1].Succeeded, stored.Attempts[1].DurationMs));
    }

    [Fact]
    public async Task An_attempt_record_for_a_log_deleted_meanwhile_never_holds_later_writes()
    {
        await using var host = await DispatcherHost.StartAsync(dispatch: false);
        var webhook = await host.CreateUserWebhookAsync("https://receiver.example/hook");
        var writer = host.Services.GetRequiredService<DeliveryWriter>();

        // No such log (retention deleted it while its resend was in flight): on SQLite a foreign key refuses the attempt's row.
        var now = DateTime.UtcNow;
        await writer.RecordAsync(new AttemptWrite(987_654_321, webhook.Id, 1, DeliveryState.Succeeded, 200, "ok", now,
            new WebhookLogAttempt { LogId = 987_654_321, Number = 1, StartedAt = now, Status = 200, Succeeded = true }));
        await host.PublishAsync(Events.UserEdit(1)).WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Single(await host.LogsAsync(webhook.Id));
    }
}
