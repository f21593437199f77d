using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace WebhookAdmin.Core.Notices;

/// <summary>A fact waiting to be stored and sent by the <see cref="NoticePump"/>.</summary>
internal abstract record PendingNotice(string WebhookId, DateTime At)
{
    public sealed record Failing(string CompanyId, string WebhookId, int Percent, DateTime FailingSince, int Failures, DateTime DisableAt, DateTime At)
        : PendingNotice(WebhookId, At);

    public sealed record Disabled(string CompanyId, string WebhookId, DateTime FailingSince, int Failures, bool Probed, DateTime At)
        : PendingNotice(WebhookId, At);

    public sealed record Recovered(string CompanyId, string WebhookId, DateTime FailingSince, bool Probed, DateTime At)
        : PendingNotice(WebhookId, At);

    /// <summary>From the delivery writer, which knows the log's key but not its company: the pump reads the rest.</summary>
    public sealed record Exhausted(long LogId, string WebhookId, int Attempts, int Status, DateTime At) : PendingNotice(WebhookId, At);
}

/// <summary>
/// Between those who say a fact (the failing-webhook check, the delivery writer) and the pump that stores and sends it:
/// saying is a write to memory, so it never holds up a delivery, and the pump may publish through the same writer
/// without waiting on itself. Bounded: past <see cref="NoticeOptions.MaxQueued"/> a fact is dropped and logged.
/// </summary>
public sealed partial class NoticeQueue(IOptions<NoticeOptions> options, ILogger<NoticeQueue> logger)
{
    private readonly Channel<PendingNotice> _channel = Channel.CreateBounded<PendingNotice>(
        new BoundedChannelOptions(Math.Max(1, options.Value.MaxQueued)) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    internal ChannelReader<PendingNotice> Reader => _channel.Reader;

    internal void Say(PendingNotice notice)
    {
        if (!_channel.Writer.TryWrite(notice))
            LogDropped(notice.GetType().Name, notice.WebhookId);
    }

    /// <summary>A delivery failed its last automatic attempt (the writer has just stored it).</summary>
    public void DeliveryExhausted(long logId, string webhookId, int attempts, int status, DateTime at) =>
        Say(new PendingNotice.Exhausted(logId, webhookId, attempts, status, at));

    [LoggerMessage(Level = LogLevel.Warning, Message = "An operational notice ({Kind}) about webhook {WebhookId} was dropped: too many are waiting to be stored.")]
    private partial void LogDropped(string kind, string webhookId);
}

/// <summary>The engine's facts, queued for the <see cref="NoticePump"/>.</summary>
public sealed class OperationalNotices(NoticeQueue queue, TimeProvider clock) : IOperationalNotices
{
    public Task WebhookFailingAsync(string companyId, string webhookId, int percent, DateTime failingSince, int failures, DateTime disableAt, CancellationToken cancellationToken)
    {
        queue.Say(new PendingNotice.Failing(companyId, webhookId, percent, failingSince, failures, disableAt, clock.GetUtcNow().UtcDateTime));
        return Task.CompletedTask;
    }

    public Task WebhookDisabledAsync(string companyId, string webhookId, DateTime failingSince, int failures, DateTime at, bool probed, CancellationToken cancellationToken)
    {
        queue.Say(new PendingNotice.Disabled(companyId, webhookId, failingSince, failures, probed, at));
        return Task.CompletedTask;
    }

    public Task WebhookRecoveredAsync(string companyId, string webhookId, DateTime failingSince, DateTime at, bool probed, CancellationToken cancellationToken)
    {
        queue.Say(new PendingNotice.Recovered(companyId, webhookId, failingSince, probed, at));
        return Task.CompletedTask;
    }
}
