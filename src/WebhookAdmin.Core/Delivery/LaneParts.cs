using Microsoft.Extensions.Logging;

namespace WebhookAdmin.Core.Delivery;

/// <summary>
/// What every lane is given, and all it may use: its queue in the store, the writer, the webhooks' settings, the sender,
/// the slot gate, the memory budget, the clock and the store's lease term. A lane built from these runs alone, as the
/// simulator runs it.
/// </summary>
internal sealed class LaneParts
{
    private long _attemptsMade;

    public required IPendingDeliveries Queue { get; init; }
    public required IAttemptRecorder Recorder { get; init; }
    public required IDeliveryTargets Targets { get; init; }
    public required IAttemptSender Sender { get; init; }
    public required FairSlotGate Slots { get; init; }
    public required DeliveryBuffer Buffer { get; init; }
    public required DeliveryTelemetry Telemetry { get; init; }
    public required DeliveryOptions Options { get; init; }
    public required TimeProvider Clock { get; init; }

    /// <summary>The store's <see cref="IDeliveryStore.LeaseTerm"/>.</summary>
    public required TimeSpan LeaseTerm { get; init; }

    public required ILogger Logger { get; init; }

    /// <summary>HTTP attempts the lanes have made since the engine started.</summary>
    public long AttemptsMade => Interlocked.Read(ref _attemptsMade);

    public void AttemptMade() => Interlocked.Increment(ref _attemptsMade);
}
