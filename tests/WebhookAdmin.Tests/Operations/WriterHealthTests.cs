using System.Net;
using WebhookAdmin.Core.Events;
using WebhookAdmin.Tests.Delivery.Support;
using WebhookAdmin.Tests.Support;

namespace WebhookAdmin.Tests.Operations;

/// <summary>An app whose writer is judged after one second without a commit (the default is ten).</summary>
public sealed class QuickWriterHealthApp : TestApp
{
    protected override IEnumerable<string> ExtraArguments => ["--Webhooks:Delivery:WriterUnhealthyAfter=00:00:01"];
}

public sealed class WriterHealthTests(QuickWriterHealthApp app) : IClassFixture<QuickWriterHealthApp>
{
    [Fact]
    public async Task Ready_is_unhealthy_while_the_writer_cannot_commit_and_healthy_again_once_it_does()
    {
        using var anonymous = app.Anonymous();
        Assert.Equal("Healthy", await anonymous.GetStringAsync("/health/ready"));

        // Another connection holds the lock every publish needs (SQLite: the write lock; PostgreSQL: the Events table).
        var hold = await TestStorage.HoldWritesAsync(app.ConnectionString);
        Task<PublishOutcome> publish;
        try
        {
            publish = app.Get<IEventPublisher>().PublishAsync(Ids.Acme, Events.UserEdit(1));
            await Eventually.WaitAsync(() => ReadyAsync(anonymous), r => r == (HttpStatusCode.ServiceUnavailable, "Unhealthy"),
                TimeSpan.FromSeconds(15), "/health/ready to say Unhealthy while the writer waits");
        }
        finally
        {
            await hold.DisposeAsync();
        }

        Assert.IsType<PublishOutcome.Accepted>(await publish.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal((HttpStatusCode.OK, "Healthy"), await ReadyAsync(anonymous));
    }

    private static async Task<(HttpStatusCode, string)> ReadyAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/health/ready");
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
