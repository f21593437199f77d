using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using WebhookAdmin.Core.Logs;
using WebhookAdmin.Core.Storage.Sqlite;
using WebhookAdmin.Tests.Delivery.Support;
using WebhookAdmin.Tests.Support;

namespace WebhookAdmin.Tests.Storage;

/// <summary>A database written by version 0.3 is upgraded at start-up without losing a webhook, a log or a pending delivery.</summary>
[Trait(TestStorage.Trait, TestStorage.SqliteOnly)]
public sealed class StorageUpgradeTests
{
    private const string Webhook = "62685990d918fb5557f9f992";

    [Fact]
    public async Task Upgrading_a_03_database_keeps_every_log_its_event_and_attempts_and_sends_what_was_pending()
    {
        await using var receiver = await Receiver.StartAsync();
        var folder = Directory.CreateTempSubdirectory("webhookadmin-upgrade-").FullName;
        var database = Path.Combine(folder, "webhookadmin.db");
        try
        {
            await CreateVersion03DatabaseAsync(database, receiver.Url);

            await using var host = await DispatcherHost.StartAsync(database: $"Data Source={database}");
            var logs = await host.SettledLogsAsync(Webhook, 4);

            // In time order: the old pre-dispatcher log, the failed one, the succeeded one, the pending one (now sent).
            Assert.Equal([DeliveryState.Failed, DeliveryState.Failed, DeliveryState.Succeeded, DeliveryState.Succeeded], logs.OrderBy(l => l.CreatedAt).Select(l => l.State));
            var old = logs.Single(l => l.Response == "legacy");
            Assert.Equal(("COTNote", "create", 0), (old.Event!.Type, old.Event.Event, JsonDocument.Parse(old.EventJson).RootElement.GetProperty("data").GetProperty("n").GetInt32()));
            var failed = logs.Single(l => l.Response == "still down");
            Assert.Equal([(1, 500), (2, 503)], failed.Attempts.Select(a => (a.Number, a.Status)));
            Assert.Equal(new DateTime(2026, 11, 20, 10, 0, 1, 250, DateTimeKind.Utc), failed.Attempts[0].StartedAt);
            Assert.Equal(new DateTime(2026, 11, 20, 10, 0, 0, 123, DateTimeKind.Utc), failed.CreatedAt);
            Assert.Equal("evt-2", logs.Single(l => l.Response == "ok").Event!.CallerId);
            // The pending one went out after the upgrade, with the body stored before it.
            var sent = Assert.Single(receiver.Requests);
            Assert.Equal(3, sent.N);
            Assert.Equal(Body(3, "COTUser", "edit"), sent.Body);
            Assert.Equal(logs.Single(l => l.Sequence == 3).PublicId, sent.Header("webhook-id"));
            // Deliveries stored before numbering are numbered in publish order; the pending one went out with its number.
            var numbered = logs.OrderBy(l => l.Sequence).ThenBy(l => l.Id).Select(l => l.WebhookSequence);
            Assert.Equal([1L, 2, 3, 4], numbered);
            Assert.Equal(logs.Single(l => l.Sequence == 3).WebhookSequence.ToString(), sent.Header("webhook-sequence"));
            // New events continue the sequence instead of reusing numbers, and the webhook's numbering after the last.
            await host.PublishUserEditsAsync(4);
            var after = await host.SettledLogsAsync(Webhook, 5);
            Assert.True(after.Max(l => l.Sequence) > 3);
            Assert.Equal(5, after.MaxBy(l => l.Sequence)!.WebhookSequence);
            Assert.Equal("5", receiver.Requests[^1].Header("webhook-sequence"));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>The schema of version 0.3 (its last migration), with rows written the way 0.3 wrote them.</summary>
    private static async Task CreateVersion03DatabaseAsync(string database, string url)
    {
        var options = new DbContextOptionsBuilder<SqliteWebhookAdminDbContext>().UseSqlite($"Data Source={database}").Options;
        await using (var db = new SqliteWebhookAdminDbContext(options))
            await db.GetService<IMigrator>().MigrateAsync("20261123095052_ManualResend");

        await using var connection = new SqliteConnection($"Data Source={database}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $$"""
            INSERT INTO Webhooks (Id, CompanyId, IsActive, Trigger, Url, Name, Code, Description, Version, Secret, CreatedAt, ModifiedAt, ContextGroup, ContextSurvey, ContextTaskGroup)
            VALUES ('{{Webhook}}', '{{Ids.Acme}}', 1, 'create-edit-delete-user', '{{url}}', 'Upgraded', 'upgraded', '', 0,
                    'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', '2026-11-20 09:00:00', '2026-11-20 09:00:00', '', '', '');
            INSERT INTO Events (Sequence, Id, CompanyId, CallerId, Type, Event, PublishedAt, Deliveries) VALUES
                (1, '6920000000000000000000a1', '{{Ids.Acme}}', NULL, 'COTUser', 'edit', '2026-11-20 10:00:00.123', 1),
                (2, '6920000000000000000000a2', '{{Ids.Acme}}', 'evt-2', 'COTUser', 'edit', '2026-11-20 10:00:02', 1),
                (3, '6920000000000000000000a3', '{{Ids.Acme}}', NULL, 'COTUser', 'edit', '2026-11-20 10:00:03.5', 1);
            INSERT INTO WebhookLogs (Id, CompanyId, WebhookId, CreatedAt, Status, Retry, Response, EventJson, Version, EventId, Sequence, State, NextAttemptAt, ManualAttemptRequested) VALUES
                ('6910000000000000000000b0', '{{Ids.Acme}}', '{{Webhook}}', '2026-11-19 08:00:00', 500, 3, 'legacy', '{{Body(0, "COTNote", "create")}}', 0, '', 0, 2, '0001-01-01 00:00:00', 0),
                ('6920000000000000000000b1', '{{Ids.Acme}}', '{{Webhook}}', '2026-11-20 10:00:00.1234567', 503, 2, 'still down', '{{Body(1, "COTUser", "edit")}}', 2, '6920000000000000000000a1', 1, 2, '2026-11-20 10:00:05', 0),
                ('6920000000000000000000b2', '{{Ids.Acme}}', '{{Webhook}}', '2026-11-20 10:00:02', 200, 1, 'ok', '{{Body(2, "COTUser", "edit")}}', 1, '6920000000000000000000a2', 2, 1, '2026-11-20 10:00:02', 0),
                ('6920000000000000000000b3', '{{Ids.Acme}}', '{{Webhook}}', '2026-11-20 10:00:03.5', 0, 0, '', '{{Body(3, "COTUser", "edit")}}', 0, '6920000000000000000000a3', 3, 0, '2026-11-20 10:00:03.5', 0);
            INSERT INTO WebhookLogAttempts (LogId, Number, StartedAt, DurationMs, Status, Succeeded, Manual, Error) VALUES
                ('6920000000000000000000b1', 1, '2026-11-20 10:00:01.25', 12, 500, 0, 0, ''),
                ('6920000000000000000000b1', 2, '2026-11-20 10:00:04', 9, 503, 0, 0, ''),
                ('6920000000000000000000b2', 1, '2026-11-20 10:00:02.5', 7, 200, 1, 0, '');
            """;
        await command.ExecuteNonQueryAsync();
    }

    private static string Body(int n, string type, string name) =>
        $$"""{"company":"{{Ids.Acme}}","type":"{{type}}","extraData":null,"createdAt":"2026-11-20T10:00:00.000Z","data":{"n":{{n}}},"event":"{{name}}"}""";
}
