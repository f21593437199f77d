using System.Collections.Concurrent;
using WebhookAdmin.Core.Notices;

namespace WebhookAdmin.Tests.Support;

/// <summary>What the engine told companies, in the order said, so a test can check each fact was said once.</summary>
public sealed class RecordedNotices : IOperationalNotices
{
    private readonly ConcurrentQueue<Notice> _said = new();

    public IReadOnlyList<Notice> Said => _said.ToArray();

    /// <summary>What was said of one webhook.</summary>
    public IReadOnlyList<Notice> Of(string webhookId) => Said.Where(n => n.WebhookId == webhookId).ToArray();

    public Task WebhookFailingAsync(string companyId, string webhookId, int percent, DateTime failingSince, int failures, DateTime disableAt, CancellationToken cancellationToken) =>
        Say(new Notice.Failing(companyId, webhookId, percent, failingSince, failures, disableAt));

    public Task WebhookDisabledAsync(string companyId, string webhookId, DateTime failingSince, int failures, DateTime at, bool probed, CancellationToken cancellationToken) =>
        Say(new Notice.Disabled(companyId, webhookId, failingSince, failures, at, probed));

    public Task WebhookRecoveredAsync(string companyId, string webhookId, DateTime failingSince, DateTime at, bool probed, CancellationToken cancellationToken) =>
        Say(new Notice.Recovered(companyId, webhookId, failingSince, at, probed));

    public Task DeliveryExhaustedAsync(string companyId, string webhookId, string logId, long sequence, int attempts, int status, DateTime at, CancellationToken cancellationToken) =>
        Say(new Notice.Exhausted(companyId, webhookId, logId, sequence, attempts, status, at));

    private Task Say(Notice notice)
    {
        _said.Enqueue(notice);
        return Task.CompletedTask;
    }
}

public abstract record Notice(string CompanyId, string WebhookId)
{
    public sealed record Failing(string CompanyId, string WebhookId, int Percent, DateTime FailingSince, int Failures, DateTime DisableAt) : Notice(CompanyId, WebhookId);

    public sealed record Disabled(string CompanyId, string WebhookId, DateTime FailingSince, int Failures, DateTime At, bool Probed) : Notice(CompanyId, WebhookId);

    public sealed record Recovered(string CompanyId, string WebhookId, DateTime FailingSince, DateTime At, bool Probed) : Notice(CompanyId, WebhookId);

    public sealed record Exhausted(string CompanyId, string WebhookId, string LogId, long Sequence, int Attempts, int Status, DateTime At) : Notice(CompanyId, WebhookId);
}

/// <summary>
/// Stands in for the app's notices until this branch meets the engineer's implementation of them: the host resolves
/// <see cref="IOperationalNotices"/>, and tests that do not look at notices need nothing more than silence.
/// </summary>
internal sealed class SilentNotices : IOperationalNotices
{
    public Task WebhookFailingAsync(string companyId, string webhookId, int percent, DateTime failingSince, int failures, DateTime disableAt, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task WebhookDisabledAsync(string companyId, string webhookId, DateTime failingSince, int failures, DateTime at, bool probed, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task WebhookRecoveredAsync(string companyId, string webhookId, DateTime failingSince, DateTime at, bool probed, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task DeliveryExhaustedAsync(string companyId, string webhookId, string logId, long sequence, int attempts, int status, DateTime at, CancellationToken cancellationToken) => Task.CompletedTask;
}
