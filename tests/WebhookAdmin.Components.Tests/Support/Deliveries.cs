using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using WebhookAdmin.Core.Delivery;
using WebhookAdmin.Core.Events;

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

    /// <summary>Records one attempt on the webhook's oldest pending delivery, as the dispatcher would after sending it.</summary>
    public async Task AttemptAsync(string webhookId, int status, string response, string? transportError = null)
    {
        var head = await services.GetRequiredService<DeliveryQueue>().HeadAsync(webhookId, CancellationToken.None)
            ?? throw new InvalidOperationException("Nothing pending for that webhook.");
        var succeeded = status is >= 200 and <= 209;
        await services.GetRequiredService<DeliveryLogWriter>().RecordAsync(head,
            new AttemptResult(status, succeeded, transportError ?? response, DateTime.UtcNow, TimeSpan.FromMilliseconds(42), transportError is not null),
            CancellationToken.None);
    }
}
