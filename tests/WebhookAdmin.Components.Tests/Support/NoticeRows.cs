using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WebhookAdmin.Core;
using WebhookAdmin.Core.Events;
using WebhookAdmin.Core.Notices;
using WebhookAdmin.Core.Storage;

namespace WebhookAdmin.Components.Tests.Support;

/// <summary>
/// Stores notices as <see cref="NoticePump"/> does: a <see cref="Notice"/> row whose <c>Data</c> is the operational
/// event's <c>data</c> (the webhook, then the fields of its kind).
/// </summary>
public sealed class NoticeRows(IServiceProvider services)
{
    public Task<Notice> FailingAsync(string companyId, string webhookName, int percent, DateTime at) =>
        AddAsync(companyId, NoticeKinds.WebhookFailing, webhookName, at, 1, webhook => new
        {
            webhook, percent, failingSince = CotEventJson.Timestamp(at.AddDays(-percent / 20.0)), failures = 12, disableAt = CotEventJson.Timestamp(at.AddDays(2)),
        });

    public Task<Notice> DisabledAsync(string companyId, string webhookName, bool probed, DateTime at) =>
        AddAsync(companyId, NoticeKinds.WebhookDisabled, webhookName, at, 1, webhook => new
        {
            webhook, failingSince = CotEventJson.Timestamp(at.AddDays(-5)), failures = 30, disabledAt = CotEventJson.Timestamp(at), probed,
        });

    public Task<Notice> RecoveredAsync(string companyId, string webhookName, bool probed, DateTime at) =>
        AddAsync(companyId, NoticeKinds.WebhookRecovered, webhookName, at, 1, webhook => new
        {
            webhook, failingSince = CotEventJson.Timestamp(at.AddHours(-3)), recoveredAt = CotEventJson.Timestamp(at), probed,
        });

    public Task<Notice> ExhaustedAsync(string companyId, string webhookName, int count, DateTime at) =>
        AddAsync(companyId, NoticeKinds.DeliveryExhausted, webhookName, at, count, webhook => new
        {
            webhook,
            delivery = new { _id = ObjectId.NewId(), sequence = 7, type = "COTUser", @event = "edit", attempts = 3, status = 500 },
            exhaustedAt = CotEventJson.Timestamp(at),
        });

    private async Task<Notice> AddAsync(string companyId, string kind, string webhookName, DateTime at, int count, Func<object, object> data)
    {
        var webhookId = ObjectId.NewId();
        var webhook = new { _id = webhookId, name = webhookName, code = "code", url = "https://receiver.example/hook", trigger = "user" };
        var notice = new Notice
        {
            Id = ObjectId.NewId(), CompanyId = companyId, Kind = kind, WebhookId = webhookId,
            Data = JsonSerializer.Serialize(data(webhook)), CreatedAt = at, Count = count,
        };
        await using var db = await services.GetRequiredService<IDbContextFactory<WebhookAdminDbContext>>().CreateDbContextAsync();
        db.Notices.Add(notice);
        await db.SaveChangesAsync();
        return notice;
    }
}
