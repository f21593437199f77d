using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
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
        var head = (await services.GetRequiredService<IDeliveryStore>().PendingAsync(webhookId, afterSequence: 0, limit: 1, CancellationToken.None))
            .SingleOrDefault() ?? throw new InvalidOperationException("Nothing pending for that webhook.");
        var succeeded = status is >= 200 and <= 209;
        var result = new AttemptResult(status, succeeded, transportError ?? response, DateTime.UtcNow, TimeSpan.FromMilliseconds(42), transportError is not null);
        var writer = services.GetRequiredService<DeliveryWriter>();
        await writer.RecordAsync(AttemptOutcome.Apply(head, result, services.GetRequiredService<IOptions<DeliveryOptions>>().Value, DateTime.UtcNow));
        await writer.FlushAsync();
    }
}
