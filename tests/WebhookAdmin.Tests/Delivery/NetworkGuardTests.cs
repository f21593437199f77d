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
    [InlineData("168.63.129.16", "cloud metadata")]
    [InlineData("198.18.0.1", "benchmarking")]
    [InlineData("198.19.255.254", "benchmarking")]
    public void Internal_addresses_are_blocked(string address, string reason) =>
        Assert.Equal(reason, NetworkGuard.BlockedReason(IPAddress.Parse(address)));

    [Theory]
    [InlineData("93.184.216.34")]
    [InlineData("172.32.0.1")]
    [InlineData("100.128.0.1")]
    [InlineData("2606:4700:4700::1111")]
    [InlineData("198.17.255.255")]
    [InlineData("198.20.0.1")]
    [InlineData("168.63.129.17")]
    [InlineData("64:ff9b::5db8:d822")]
    [InlineData("64:ff9b:1:5db8:d8:2200::")]
    [InlineData("2002:5db8:d822::1")]
    public void Public_addresses_pass(string address) =>
        Assert.Null(NetworkGuard.BlockedReason(IPAddress.Parse(address)));

    /// <summary>A translator in front of an IPv4 network would carry these to the address inside them.</summary>
    [Theory]
    [InlineData("64:ff9b::7f00:1", "loopback")]
    [InlineData("64:ff9b::a9fe:a9fe", "cloud metadata")]
    [InlineData("64:ff9b::c0a8:10a", "private")]
    [InlineData("64:ff9b::a83f:8110", "cloud metadata")]
    [InlineData("64:ff9b::c612:1", "benchmarking")]
    [InlineData("64:ff9b:1::a00:1", "private")]
    [InlineData("64:ff9b:1:a9fe:a9:fe00::", "cloud metadata")]
    [InlineData("64:ff9b:1:7f00:0:100::", "loopback")]
    [InlineData("64:ff9b:1:0:a:0:100:0", "private")]
    [InlineData("2002:a00:1::1", "private")]
    [InlineData("2002:7f00:1::", "loopback")]
    [InlineData("2002:a9fe:a9fe::", "cloud metadata")]
    [InlineData("::a00:1", "private")]
    public void Ipv6_addresses_that_carry_a_refused_ipv4_address_are_blocked(string address, string kind) =>
        Assert.StartsWith(kind + " (through", NetworkGuard.BlockedReason(IPAddress.Parse(address)));

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
        Assert.StartsWith($"blocked: {host} ", log.Response);
        Assert.Contains("not allowed", log.Response);
        Assert.Empty(receiver.Requests);
    }

    [Fact]
    public async Task The_admin_is_told_a_name_is_not_allowed_but_not_what_it_resolved_to()
    {
        await using var receiver = await Receiver.StartAsync();
        await using var dispatcher = await DispatcherHost.StartAsync(new Dictionary<string, string> { ["AllowPrivateNetworks"] = "false", ["MaxAttempts"] = "1" });
        var webhook = await dispatcher.CreateUserWebhookAsync(receiver.Url.Replace("127.0.0.1", "localhost"));

        await dispatcher.PublishUserEditsAsync(1);

        var log = Assert.Single(await dispatcher.SettledLogsAsync(webhook.Id, 1));
        Assert.Equal("blocked: localhost resolves to an address not allowed for deliveries (internal networks are off: Webhooks:Delivery:AllowPrivateNetworks).", log.Response);
        Assert.DoesNotContain("127.0.0.1", log.Response);
        Assert.DoesNotContain("::1", log.Response);
        Assert.DoesNotContain("loopback", log.Response);
    }
}
