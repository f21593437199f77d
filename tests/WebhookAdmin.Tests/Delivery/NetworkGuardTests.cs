using System.Net;
using WebhookAdmin.Core.Delivery;
using WebhookAdmin.Core.Logs;
using WebhookAdmin.Tests.Delivery.Support;

namespace WebhookAdmin.Tests.Delivery;

public sealed class NetworkGuardTests
{
    [Theory]
    [InlineData("127.0.0.1", "loopback")]
    [InlineData("::1", "loopback")]
    [InlineData("::ffff:127.0.0.1", "loopback")]
    [InlineData("10.20.30.40", "private")]
    [InlineData("172.16.0.1", "private")]
    [InlineData("172.31.255.255", "private")]
    [InlineData("192.168.1.10", "private")]
    [InlineData("fd12:3456::1", "private")]
    [InlineData("169.254.1.1", "link-local")]
    [InlineData("fe80::1", "link-local")]
    [InlineData("100.64.0.1", "shared (CGNAT)")]
    [InlineData("0.0.0.0", "unspecified")]
    [InlineData("::", "unspecified")]
    [InlineData("169.254.169.254", "cloud metadata")]
    [InlineData("fd00:ec2::254", "cloud metadata")]
    public void Internal_addresses_are_blocked(string address, string reason) =>
        Assert.Equal(reason, NetworkGuard.BlockedReason(IPAddress.Parse(address)));

    [Theory]
    [InlineData("93.184.216.34")]
    [InlineData("172.32.0.1")]
    [InlineData("100.128.0.1")]
    [InlineData("2606:4700:4700::1111")]
    public void Public_addresses_pass(string address) =>
        Assert.Null(NetworkGuard.BlockedReason(IPAddress.Parse(address)));

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("localhost")]
    public async Task With_private_networks_off_a_delivery_to_this_machine_is_blocked_and_nothing_arrives(string host)
    {
        await using var receiver = await Receiver.StartAsync();
        await using var dispatcher = await DispatcherHost.StartAsync(new Dictionary<string, string> { ["AllowPrivateNetworks"] = "false", ["MaxAttempts"] = "1" });
        var webhook = await dispatcher.CreateUserWebhookAsync(receiver.Url.Replace("127.0.0.1", host));

        await dispatcher.PublishUserEditsAsync(1);

        var log = Assert.Single(await dispatcher.SettledLogsAsync(webhook.Id, 1));
        Assert.Equal((DeliveryState.Failed, 0), (log.State, log.Status));
        Assert.StartsWith("blocked:", log.Response);
        Assert.Contains("loopback", log.Response);
        Assert.Empty(receiver.Requests);
    }
}
