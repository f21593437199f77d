namespace WebhookAdmin.Core.Delivery;

/// <summary>
/// The deliveries all lanes may hold in memory together (<see cref="DeliveryOptions.MaxBufferedDeliveries"/>). A lane
/// with nothing in hand may always take one more, so a full buffer slows lanes down but never stops one.
/// </summary>
internal sealed class DeliveryBuffer(int capacity)
{
    private int _held;

    public int Held => Volatile.Read(ref _held);

    public bool TryTakeOne()
    {
        if (Interlocked.Increment(ref _held) <= capacity)
            return true;
        Interlocked.Decrement(ref _held);
        return false;
    }

    /// <summary>Takes up to <paramref name="wanted"/> (at least one) and returns how many it took.</summary>
    public int Take(int wanted)
    {
        while (true)
        {
            var held = Volatile.Read(ref _held);
            var granted = Math.Max(1, Math.Min(wanted, capacity - held));
            if (Interlocked.CompareExchange(ref _held, held + granted, held) == held)
                return granted;
        }
    }

    public void Return(int count)
    {
        if (count > 0)
            Interlocked.Add(ref _held, -count);
    }
}
