using WebhookAdmin.Core.Delivery;

namespace WebhookAdmin.Tests.Delivery;

/// <summary>How the delivery slots are shared between companies: a share each, turns when short, nothing lost on cancel.</summary>
public sealed class FairSlotGateTests
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_company_never_holds_more_than_its_share_even_with_slots_free()
    {
        var gate = new FairSlotGate(slots: 8, perCompany: 2);
        await gate.WaitAsync("acme");
        await gate.WaitAsync("acme");

        var third = gate.WaitAsync("acme").AsTask();

        Assert.False(third.IsCompleted);
        Assert.Equal(6, gate.Free);
        gate.Release("acme");
        await third.WaitAsync(Long);
        Assert.Equal(2, gate.InUse("acme"));
    }

    [Fact]
    public async Task Another_company_gets_a_free_slot_at_once_while_one_is_at_its_share()
    {
        var gate = new FairSlotGate(slots: 4, perCompany: 2);
        await gate.WaitAsync("acme");
        await gate.WaitAsync("acme");
        var acmeWaiting = gate.WaitAsync("acme").AsTask();

        var globex = gate.WaitAsync("globex");

        Assert.True(globex.IsCompletedSuccessfully);
        Assert.False(acmeWaiting.IsCompleted);
        Assert.Equal(1, gate.InUse("globex"));
    }

    [Fact]
    public async Task When_slots_are_short_a_trickle_is_served_before_a_burst_that_queued_earlier()
    {
        var gate = new FairSlotGate(slots: 2, perCompany: 2);
        await gate.WaitAsync("acme");
        await gate.WaitAsync("acme");
        // Acme's burst queues first, then one event each of Globex and Initech.
        var acme = Enumerable.Range(0, 4).Select(_ => gate.WaitAsync("acme").AsTask()).ToArray();
        var globex = gate.WaitAsync("globex").AsTask();
        var initech = gate.WaitAsync("initech").AsTask();

        gate.Release("acme");
        await globex.WaitAsync(Long);
        gate.Release("acme");
        await initech.WaitAsync(Long);
        Assert.False(acme[0].IsCompleted);

        // Then Acme, whose turn is next, in its own order.
        gate.Release("globex");
        await acme[0].WaitAsync(Long);
        Assert.False(acme[1].IsCompleted);
        gate.Release("initech");
        await acme[1].WaitAsync(Long);
        Assert.False(acme[2].IsCompleted);
    }

    [Fact]
    public async Task Turns_go_round_the_companies_waiting()
    {
        var gate = new FairSlotGate(slots: 1, perCompany: 1);
        await gate.WaitAsync("holder");
        var order = new List<string>();
        var waits = new[] { "acme", "acme", "acme", "globex", "globex", "initech" }.Select(async company =>
        {
            await gate.WaitAsync(company);
            lock (order)
                order.Add(company);
            gate.Release(company);
        }).ToArray();

        gate.Release("holder");
        await Task.WhenAll(waits).WaitAsync(Long);

        Assert.Equal(["acme", "globex", "initech", "acme", "globex", "acme"], order);
    }

    [Fact]
    public async Task A_company_s_own_waiters_are_served_first_come_first_served()
    {
        var gate = new FairSlotGate(slots: 1, perCompany: 1);
        await gate.WaitAsync("acme");
        var order = new List<int>();
        var waits = Enumerable.Range(0, 5).Select(async i =>
        {
            await gate.WaitAsync("acme");
            lock (order)
                order.Add(i);
            gate.Release("acme");
        }).ToArray();

        gate.Release("acme");
        await Task.WhenAll(waits).WaitAsync(Long);

        Assert.Equal([0, 1, 2, 3, 4], order);
    }

    [Fact]
    public async Task A_cancelled_wait_holds_no_slot_and_the_next_waiter_gets_it()
    {
        var gate = new FairSlotGate(slots: 1, perCompany: 1);
        await gate.WaitAsync("acme");
        using var cancel = new CancellationTokenSource();
        var cancelled = gate.WaitAsync("globex", cancel.Token).AsTask();
        var next = gate.WaitAsync("initech").AsTask();

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.WaitAsync(Long));
        gate.Release("acme");

        await next.WaitAsync(Long);
        Assert.Equal(0, gate.InUse("globex"));
        gate.Release("initech");
        Assert.Equal(1, gate.Free);
    }

    [Fact]
    public async Task Waits_cancelled_while_slots_come_and_go_never_lose_a_slot()
    {
        var gate = new FairSlotGate(slots: 4, perCompany: 2);
        var companies = new[] { "acme", "globex", "initech" };
        var workers = Enumerable.Range(0, 24).Select(i => Task.Run(async () =>
        {
            var company = companies[i % companies.Length];
            for (var round = 0; round < 300; round++)
            {
                using var cancel = new CancellationTokenSource();
                if (round % 3 == 0)
                    cancel.CancelAfter(TimeSpan.FromTicks(Random.Shared.Next(1, 2000)));
                try
                {
                    await gate.WaitAsync(company, cancel.Token);
                }
                catch (OperationCanceledException)
                {
                    continue;
                }
                Assert.True(gate.InUse(company) <= 2);
                await Task.Yield();
                gate.Release(company);
            }
        })).ToArray();

        await Task.WhenAll(workers).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(4, gate.Free);
        Assert.All(companies, company => Assert.Equal(0, gate.InUse(company)));
    }

    [Fact]
    public void A_release_without_a_slot_is_a_bug_said_out_loud()
    {
        var gate = new FairSlotGate(slots: 2, perCompany: 1);

        Assert.Throws<InvalidOperationException>(() => gate.Release("acme"));
    }

    [Theory]
    [InlineData(32, null, 8)]
    [InlineData(3, null, 1)]
    [InlineData(32, 32, 32)]
    public void The_share_defaults_to_a_quarter_of_the_slots_and_at_least_one(int slots, int? perCompany, int expected)
    {
        var options = new DeliveryOptions { MaxConcurrentDeliveries = slots, MaxConcurrentDeliveriesPerCompany = perCompany };

        Assert.Equal(expected, options.ConcurrentDeliveriesPerCompany);
    }
}
