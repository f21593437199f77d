using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WebhookAdmin.Core.Delivery;
using WebhookAdmin.Core.Events;
using WebhookAdmin.Core.Storage;

namespace WebhookAdmin.Components.Tests.Support;

/// <summary>Makes logs the way production does: a real publish, then attempts recorded by the real log writer.</summary>
public sealed class Deliveries(IServiceProvider services)
{
    public async Task PublishUserEditAsync(string companyId, object data)
    {
        var outcome = await services.GetRequiredService<IEventPublisher>().PublishAsync(companyId,
            new CotEvent(CotEventTypes.User, CotEventNames.Edit, JsonSerializer.SerializeToElement(data)));
        Assert.IsType<PublishOutcome.Accepted>(outcome);
    }

    /// <summary>
    /// Gives the webhook thirty failed deliveries over six days and a probe that failed too, and lets the real check
    /// deactivate it, as it would after <see cref="DeliveryOptions.DisableAfter"/> (five days) and the probe.
    /// </summary>
    public static async Task DeactivateAutomaticallyAsync(IServiceProvider services, string webhookId)
    {
        await using (var db = await services.GetRequiredService<IDbContextFactory<WebhookAdminDbContext>>().CreateDbContextAsync())
        {
            await db.Webhooks.Where(w => w.Id == webhookId).ExecuteUpdateAsync(set => set
                .SetProperty(w => w.FailingSince, DateTime.UtcNow.AddDays(-6)).SetProperty(w => w.ConsecutiveFailures, 30)
                .SetProperty(w => w.ProbeAfter, DateTime.UtcNow.AddMinutes(-2)).SetProperty(w => w.ProbedAt, DateTime.UtcNow.AddMinutes(-1)));
        }
        Assert.Equal(1, (await services.GetRequiredService<FailingWebhooks>().CheckAsync(CancellationToken.None)).Deactivated);
    }

    /// <summary>Puts the webhook where the failing-webhook check leaves it past the threshold: held for its probe at <paramref name="probeAt"/>.</summary>
    public static async Task HoldForProbeAsync(IServiceProvider services, string webhookId, DateTime probeAt, bool probeFailed = false)
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<WebhookAdminDbContext>>().CreateDbContextAsync();
        await db.Webhooks.Where(w => w.Id == webhookId).ExecuteUpdateAsync(set => set
            .SetProperty(w => w.FailingSince, DateTime.UtcNow.AddDays(-6)).SetProperty(w => w.ConsecutiveFailures, 30)
            .SetProperty(w => w.ProbeAfter, probeAt).SetProperty(w => w.ProbedAt, probeFailed ? probeAt : null));
    }

    /// <summary>Records one attempt on the webhook's oldest pending delivery, as the dispatcher would after sending it.</summary>
    public async Task AttemptAsync(string webhookId, int status, string response, string? transportError = null)
    {
        var head = (await services.GetRequiredService<IDeliveryStore>().PendingAsync(webhookId, afterSequence: 0, limit: 1, CancellationToken.None))
            .SingleOrDefault() ?? throw new InvalidOperationException("Nothing pending for that webhook.");
        var succeeded = status is >= 200 and <= 209;
        var result = new AttemptResult(status, succeeded, transportError ?? response, DateTime.UtcNow, TimeSpan.FromMilliseconds(42), transportError is not null);
        var writer = services.GetRequiredService<DeliveryWriter>();
        await writer.RecordAsync(AttemptOutcome.Apply(head, result, services.GetRequiredService<IOptions<DeliveryOptions>>().Value, DateTime.UtcNow));
        await writer.FlushAsync();
    }
}
