using Microsoft.Extensions.DependencyInjection;
using WebhookAdmin.Core.Delivery;

namespace WebhookAdmin.Tests.Delivery.Support;

/// <summary>
/// Counts the lanes' reads of pending deliveries from the run's real store (<see cref="IDeliveryStore.PendingAsync"/>)
/// and the commits that carry attempt records; everything goes to the store untouched. Pass <see cref="Wrap"/> as a
/// <see cref="DispatcherHost"/>'s services.
/// </summary>
public sealed class CountedStore
{
    private int _reads;
    private int _recordCommits;
    private int _records;

    public int Reads => Volatile.Read(ref _reads);

    /// <summary>Commits (successful or not) that carried attempt records.</summary>
    public int RecordCommits => Volatile.Read(ref _recordCommits);

    /// <summary>Attempt records those commits carried.</summary>
    public int Records => Volatile.Read(ref _records);

    public void Wrap(IServiceCollection services)
    {
        var real = services.Last(d => d.ServiceType == typeof(IDeliveryStore));
        services.Remove(real);
        services.AddSingleton<IDeliveryStore>(provider => new Store((IDeliveryStore)real.ImplementationFactory!(provider), this));
    }

    private sealed class Store(IDeliveryStore store, CountedStore counts) : IDeliveryStore
    {
        public bool CommitsPublishesApart => store.CommitsPublishesApart;

        public TimeSpan LeaseTerm => store.LeaseTerm;

        public Task<IReadOnlyList<QueuedDelivery>> PendingAsync(string webhookId, long afterSequence, int limit, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref counts._reads);
            return store.PendingAsync(webhookId, afterSequence, limit, cancellationToken);
        }

        public Task WriteAsync(IReadOnlyList<DeliveryWrite> batch, CancellationToken cancellationToken)
        {
            var records = batch.Count(w => w is AttemptWrite);
            if (records > 0)
            {
                Interlocked.Increment(ref counts._recordCommits);
                Interlocked.Add(ref counts._records, records);
            }
            return store.WriteAsync(batch, cancellationToken);
        }

        public Task<WorkClaim> ClaimWorkAsync(IReadOnlyCollection<string> held, int busy, IReadOnlyCollection<string> askedAbout, CancellationToken cancellationToken) =>
            store.ClaimWorkAsync(held, busy, askedAbout, cancellationToken);

        public Task<LeaseRenewal> RenewAsync(IReadOnlyCollection<string> held, CancellationToken cancellationToken) => store.RenewAsync(held, cancellationToken);

        public Task ReleaseAsync(IReadOnlyCollection<string> webhookIds, CancellationToken cancellationToken) => store.ReleaseAsync(webhookIds, cancellationToken);

        public Task LeaveAsync(CancellationToken cancellationToken) => store.LeaveAsync(cancellationToken);

        public Task<BacklogSnapshot> BacklogAsync(CancellationToken cancellationToken) => store.BacklogAsync(cancellationToken);
    }
}
