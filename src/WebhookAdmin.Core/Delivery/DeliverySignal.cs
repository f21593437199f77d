using System.Threading.Channels;

namespace WebhookAdmin.Core.Delivery;

/// <summary>
/// "There may be new work": publishers and finishing lanes ring it, the dispatcher waits on it. One slot is enough:
/// rings while the dispatcher is busy collapse into one rescan, which finds all of them.
/// </summary>
public sealed class DeliverySignal
{
    private readonly Channel<bool> _channel = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    public void Notify() => _channel.Writer.TryWrite(true);

    /// <summary>Returns when rung, or after <paramref name="timeout"/> (the poll timer), whichever comes first.</summary>
    public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timer.CancelAfter(timeout);
        try
        {
            await _channel.Reader.ReadAsync(timer.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The poll interval passed without a ring.
        }
    }
}
