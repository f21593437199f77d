using System.Collections.Concurrent;
using WebhookAdmin.Core.Notices;

namespace WebhookAdmin.Tests.Support;

/// <summary>What the failing-webhook check said, in the order said, so its rules tests can check each fact was said once (the real notices are <c>Notices/OperationalNoticesTests</c>' business).</summary>
public sealed class RecordedNotices : IOperationalNotices
{
    private readonly ConcurrentQueue<SaidNotice> _said = new();

    public IReadOnlyList<SaidNotice> Said => _said.ToArray();

    /// <summary>What was said of one webhook.</summary>
    public IReadOnlyList<SaidNotice> Of(string webhookId) => Said.Where(n => n.WebhookId == webhookId).ToArray();

    public Task WebhookFailingAsync(string companyId, string webhookId, int percent, DateTime failingSince, int failures, DateTime disableAt, CancellationToken cancellationToken) =>
        Say(new SaidNotice.Failing(companyId, webhookId, percent, failingSince, failures, disableAt));

    public Task WebhookDisabledAsync(string companyId, string webhookId, DateTime failingSince, int failures, DateTime at, bool probed, CancellationToken cancellationToken) =>
        Say(new SaidNotice.Disabled(companyId, webhookId, failingSince, failures, at, probed));

    public Task WebhookRecoveredAsync(string companyId, string webhookId, DateTime failingSince, DateTime at, bool probed, CancellationToken cancellationToken) =>
        Say(new SaidNotice.Recovered(companyId, webhookId, failingSince, at, probed));

    private Task Say(SaidNotice notice)
    {
        _said.Enqueue(notice);
        return Task.CompletedTask;
    }
}

public abstract record SaidNotice(string CompanyId, string WebhookId)
{
    public sealed record Failing(string CompanyId, string WebhookId, int Percent, DateTime FailingSince, int Failures, DateTime DisableAt) : SaidNotice(CompanyId, WebhookId);

    public sealed record Disabled(string CompanyId, string WebhookId, DateTime FailingSince, int Failures, DateTime At, bool Probed) : SaidNotice(CompanyId, WebhookId);

    public sealed record Recovered(string CompanyId, string WebhookId, DateTime FailingSince, DateTime At, bool Probed) : SaidNotice(CompanyId, WebhookId);
}
