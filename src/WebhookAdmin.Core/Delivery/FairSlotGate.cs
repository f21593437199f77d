namespace WebhookAdmin.Core.Delivery;

/// <summary>
/// The delivery slots (<see cref="DeliveryOptions.MaxConcurrentDeliveries"/> HTTP attempts in flight), shared so that no
/// company can hold the ones another needs: a company never has more than its share
/// (<see cref="DeliveryOptions.MaxConcurrentDeliveriesPerCompany"/>) in use, and when slots are short the next free one
/// goes to the companies waiting in turn (round-robin), each company's own waiters first come, first served.
/// </summary>
/// <remarks>
/// Why a hard share and not only turns: an attempt cannot be taken back once it started. A company whose receivers accept
/// the connection and never answer holds every slot it gets for a whole <see cref="DeliveryOptions.Timeout"/>; with
/// turns alone it would get all of them while the others are quiet, and the next company to publish would wait a timeout
/// for its first slot. With the share, the slots beyond it stay free for the others. Measured before this gate (one
/// semaphore, first come first served, 32 slots): a company with 64 silent receivers let 5 of another's 20 events through
/// in 15 s.
/// <para>
/// A slot is granted at once, without allocating, when one is free and the company is below its share (the hot path: a
/// burst of one company at 23,000 deliveries/s). Otherwise the caller waits in its company's queue; a wait that is
/// cancelled leaves the queue, or, when the grant won the race, its awaiter receives the slot and gives it back as usual,
/// so no slot is ever lost.
/// </para>
/// </remarks>
public sealed class FairSlotGate
{
    private readonly object _lock = new();
    private readonly Dictionary<string, Company> _companies = new(StringComparer.Ordinal);

    /// <summary>Companies with waiters that are below their share, in the order of their next turn.</summary>
    private readonly Queue<Company> _turns = new();

    private int _free;

    public FairSlotGate(int slots, int perCompany)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(slots, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(perCompany, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(perCompany, slots);
        (Slots, PerCompany, _free) = (slots, perCompany, slots);
    }

    public int Slots { get; }

    public int PerCompany { get; }

    /// <summary>Slots not in use right now.</summary>
    public int Free
    {
        get
        {
            lock (_lock)
                return _free;
        }
    }

    /// <summary>Slots the company holds right now.</summary>
    public int InUse(string companyId)
    {
        lock (_lock)
            return _companies.TryGetValue(companyId, out var company) ? company.InUse : 0;
    }

    /// <summary>Waits for a slot for <paramref name="companyId"/>; give it back with <see cref="Release"/> once the attempt is over.</summary>
    /// <exception cref="OperationCanceledException">The wait was cancelled before a slot was granted (none is held then).</exception>
    public ValueTask WaitAsync(string companyId, CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
            return ValueTask.FromCanceled(cancellationToken);
        Waiter waiter;
        lock (_lock)
        {
            var company = CompanyLocked(companyId);
            // While a slot is free nobody below their share waits (every change ends in GrantLocked), so a company below
            // its share can take it without queueing behind anyone.
            if (_free > 0 && company.InUse < PerCompany)
            {
                _free--;
                company.InUse++;
                return ValueTask.CompletedTask;
            }
            waiter = new Waiter(this, company);
            waiter.Node = company.Waiters.AddLast(waiter);
            // Below its share yet no slot free: its turn comes with the next slot given back.
            TakeTurnLocked(company);
        }
        return cancellationToken.CanBeCanceled ? WaitCancellablyAsync(waiter, cancellationToken) : new ValueTask(waiter.Task);
    }

    private async ValueTask WaitCancellablyAsync(Waiter waiter, CancellationToken cancellationToken)
    {
        // Disposed once the wait is over: the token (the app's stopping token) outlives millions of waits.
        await using (cancellationToken.UnsafeRegister(static (state, token) => ((Waiter)state!).Gate.Cancel((Waiter)state!, token), waiter))
            await waiter.Task;
    }

    /// <summary>Gives back a slot <see cref="WaitAsync"/> granted to <paramref name="companyId"/>.</summary>
    public void Release(string companyId)
    {
        lock (_lock)
        {
            if (!_companies.TryGetValue(companyId, out var company) || company.InUse == 0)
                throw new InvalidOperationException($"Company {companyId} holds no delivery slot.");
            company.InUse--;
            _free++;
            if (company.Waiters.Count > 0)
                TakeTurnLocked(company);
            GrantLocked();
            ForgetIfIdleLocked(company);
        }
    }

    private void Cancel(Waiter waiter, CancellationToken token)
    {
        lock (_lock)
        {
            // Granted already: the awaiter has the slot and gives it back itself.
            if (waiter.Node is null)
                return;
            waiter.Company.Waiters.Remove(waiter.Node);
            waiter.Node = null;
            ForgetIfIdleLocked(waiter.Company);
        }
        waiter.TrySetCanceled(token);
    }

    /// <summary>Hands free slots to the companies waiting, one each in turn, until slots or waiters run out.</summary>
    private void GrantLocked()
    {
        while (_free > 0 && _turns.TryDequeue(out var company))
        {
            company.HasTurn = false;
            if (company.Waiters.First is not { } node || company.InUse >= PerCompany)
            {
                // Its waiters were cancelled meanwhile (or, never here, it reached its share).
                ForgetIfIdleLocked(company);
                continue;
            }
            company.Waiters.RemoveFirst();
            var waiter = node.Value;
            waiter.Node = null;
            _free--;
            company.InUse++;
            // Continuations run on the thread pool (the waiter's task says so), never under this lock.
            waiter.TrySetResult();
            if (company.Waiters.Count > 0)
                TakeTurnLocked(company);
        }
    }

    /// <summary>Puts a company with waiters at the back of the turns, unless it is there already or at its share.</summary>
    private void TakeTurnLocked(Company company)
    {
        if (company.HasTurn || company.InUse >= PerCompany)
            return;
        company.HasTurn = true;
        _turns.Enqueue(company);
    }

    private Company CompanyLocked(string companyId)
    {
        if (!_companies.TryGetValue(companyId, out var company))
            _companies[companyId] = company = new Company(companyId);
        return company;
    }

    /// <summary>Thousands of companies come and go: one holding and awaiting nothing is not kept.</summary>
    private void ForgetIfIdleLocked(Company company)
    {
        if (company.InUse == 0 && company.Waiters.Count == 0 && !company.HasTurn)
            _companies.Remove(company.Id);
    }

    private sealed class Company(string id)
    {
        public string Id { get; } = id;
        public int InUse;
        public bool HasTurn;
        public readonly LinkedList<Waiter> Waiters = new();
    }

    private sealed class Waiter(FairSlotGate gate, Company company) : TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        public FairSlotGate Gate { get; } = gate;
        public Company Company { get; } = company;

        /// <summary>Its place in the company's queue; null once granted or cancelled.</summary>
        public LinkedListNode<Waiter>? Node;
    }
}
