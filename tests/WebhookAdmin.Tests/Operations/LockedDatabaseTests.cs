using WebhookAdmin.Tests.Delivery.Support;
using WebhookAdmin.Tests.Support;
using Xunit.Abstractions;

namespace WebhookAdmin.Tests.Operations;

/// <summary>SQLite's file locked by another writer for seconds, under steady publishing: a clear 503, nothing lost.</summary>
[Trait(TestStorage.Trait, TestStorage.SqliteOnly)]
[Collection(SeparateProcesses.Name)]
public sealed class LockedDatabaseTests(LockedDatabaseTests.App app, ITestOutputHelper output) : IClassFixture<LockedDatabaseTests.App>
{
    private static readonly TimeSpan StoreTimeout = TimeSpan.FromSeconds(2);

    public sealed class App : TestApp
    {
        protected override IEnumerable<string> ExtraArguments => [$"--Webhooks:Events:StoreTimeout={StoreTimeout}"];
    }

    [Fact]
    public async Task Publishes_while_another_writer_holds_the_lock_answer_a_prompt_503_and_every_202_is_delivered_in_order()
    {
        await using var receiver = await Receiver.StartAsync();
        using var api = await app.ApiClientAsync();
        await TelemetryTests.CreateAsync(api, receiver.Url);

        var publisher = new SteadyPublisher(api, "locked");
        await Task.Delay(TimeSpan.FromSeconds(1));
        await using (await TestStorage.HoldWritesAsync(app.ConnectionString))
            await Task.Delay(TimeSpan.FromSeconds(7));
        await Task.Delay(TimeSpan.FromSeconds(2));
        await publisher.StopAsync();

        output.WriteLine($"answers: {publisher.Summary()}");
        publisher.AssertOnly202Or503Within(StoreTimeout + TimeSpan.FromSeconds(2));
        Assert.True(publisher.Refused.Length >= 2, "no 503 while the database was locked");
        var accepted = publisher.Accepted;
        await SteadyPublisher.AssertDeliveredInOrderAsync(receiver, accepted);
    }
}
