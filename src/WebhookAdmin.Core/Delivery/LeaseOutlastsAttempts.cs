using System.Globalization;
using Microsoft.Extensions.Options;

namespace WebhookAdmin.Core.Delivery;

/// <summary>
/// With leases (several instances on PostgreSQL): refuses at start a <see cref="DeliveryOptions.LeaseTimeout"/> too short
/// for an attempt to finish under it, which would let two instances send the same webhook's deliveries at once.
/// </summary>
internal sealed class LeaseOutlastsAttempts : IValidateOptions<DeliveryOptions>
{
    public ValidateOptionsResult Validate(string? name, DeliveryOptions options)
    {
        var least = options.Timeout * DeliveryOptions.LeasePerTimeout;
        if (!options.Enabled || options.LeaseTimeout >= least)
            return ValidateOptionsResult.Success;
        return ValidateOptionsResult.Fail(string.Format(CultureInfo.InvariantCulture,
            "LeaseTimeout ({0:c}) must be at least {1} times Timeout ({2:c}), that is at least {3:c}: an instance starts an attempt only " +
            "when its lease on the webhook outlasts the attempt's timeout. Raise LeaseTimeout or lower Timeout.",
            options.LeaseTimeout, DeliveryOptions.LeasePerTimeout, options.Timeout, least));
    }
}
