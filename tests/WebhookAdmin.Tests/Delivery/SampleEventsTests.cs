using WebhookAdmin.Core.Events;
using WebhookAdmin.Core.Webhooks;
using WebhookAdmin.Tests.Support;

namespace WebhookAdmin.Tests.Delivery;

public sealed class SampleEventsTests
{
    [Fact]
    public void A_sample_event_reads_back_as_a_test()
    {
        var webhook = new Webhook { Id = "62685990d918fb5557f9f992", CompanyId = Ids.Acme, Name = "Users", Code = "users", Url = "https://receiver.example", Trigger = WebhookTrigger.User };
        var sample = SampleEvents.For(webhook, TimeProvider.System);

        var json = CotEventJson.Write(Ids.Acme, sample, DateTime.UtcNow);

        Assert.True(SampleEvents.IsTest(json));
    }

    [Theory]
    [InlineData("""{"type":"COTUser","event":"edit","data":{},"extraData":null}""")]
    [InlineData("""{"type":"COTUser","event":"edit","data":{"test":true}}""")]
    [InlineData("""{"type":"COTUser","extraData":{"test":"true"}}""")]
    [InlineData("""{"type":"COTUser","extraData":{"test":false}}""")]
    [InlineData("""[1,2]""")]
    [InlineData("not json")]
    [InlineData("")]
    public void Anything_else_is_not_a_test(string json) => Assert.False(SampleEvents.IsTest(json));
}
