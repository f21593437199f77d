using System.Net.Sockets;
using WebhookAdmin.Core.Delivery;
using WebhookAdmin.Core.Logs;
using WebhookAdmin.Tests.Delivery.Support;

namespace WebhookAdmin.Tests.Delivery;

/// <summary>One attempt each (MaxAttempts 1), so the log shows exactly how that attempt was judged.</summary>
public sealed class AttemptOutcomeTests
{
    private static readonly Dictionary<string, string> OneAttempt = new() { ["MaxAttempts"] = "1" };

    [Theory]
    [InlineData(200, DeliveryState.Succeeded)]
    [InlineData(201, DeliveryState.Succeeded)]
    [InlineData(209, DeliveryState.Succeeded)]
    [InlineData(210, DeliveryState.Failed)]
    [InlineData(404, DeliveryState.Failed)]
    [InlineData(500, DeliveryState.Failed)]
    public async Task Only_200_to_209_counts_as_delivered(int status, DeliveryState expected)
    {
        var log = await DeliverOnceAsync(Answers.Status(status, body: $"answered {status}"));

        Assert.Equal((expected, status, 1, $"answered {status}"), (log.State, log.Status, log.Retry, log.Response));
    }

    [Fact]
    public async Task A_redirect_is_a_failure_and_is_not_followed()
    {
        await using var target = await Receiver.StartAsync();
        var log = await DeliverOnceAsync((_, _, _) => Task.FromResult(Microsoft.AspNetCore.Http.Results.Redirect(target.Url)));

        Assert.Equal((DeliveryState.Failed, 302), (log.State, log.Status));
        Assert.Empty(target.Requests);
    }

    [Fact]
    public async Task A_receiver_that_never_answers_costs_one_timeout()
    {
        var log = await DeliverOnceAsync(Answers.Hang, timeout: "00:00:01");

        Assert.Equal((DeliveryState.Failed, 0, "timeout: no response within 1000 ms"), (log.State, log.Status, log.Response));
        var attempt = Assert.Single(log.Attempts);
        Assert.InRange(attempt.DurationMs, 900, 3000);
        Assert.Equal(log.Response, attempt.Error);
    }

    [Fact]
    public async Task A_refused_connection_is_logged_like_the_documented_samples()
    {
        var port = ClosedPort();
        await using var host = await DispatcherHost.StartAsync(OneAttempt);
        var webhook = await host.CreateUserWebhookAsync($"http://127.0.0.1:{port}/hook");

        await host.PublishUserEditsAsync(1);

        var log = Assert.Single(await host.SettledLogsAsync(webhook.Id, 1));
        Assert.Equal((DeliveryState.Failed, 0, $"connect ECONNREFUSED 127.0.0.1:{port}"), (log.State, log.Status, log.Response));
    }

    [Fact]
    public async Task A_long_answer_is_cut_at_the_documented_limit_with_a_marker()
    {
        var log = await DeliverOnceAsync(Answers.Status(200, body: new string('x', 100_000)));

        Assert.Equal(DeliveryState.Succeeded, log.State);
        Assert.StartsWith(new string('x', DeliveryOptions.ResponseBodyLimit) + "\n…[truncated", log.Response);
        Assert.True(log.Response.Length < DeliveryOptions.ResponseBodyLimit + 100);
    }

    private static async Task<WebhookLog> DeliverOnceAsync(Answer answer, string? timeout = null)
    {
        await using var receiver = await Receiver.StartAsync(answer);
        await using var host = await DispatcherHost.StartAsync(timeout is null ? OneAttempt : new Dictionary<string, string>(OneAttempt) { ["Timeout"] = timeout });
        var webhook = await host.CreateUserWebhookAsync(receiver.Url);

        await host.PublishUserEditsAsync(1);

        var log = Assert.Single(await host.SettledLogsAsync(webhook.Id, 1));
        Assert.Single(receiver.Requests);
        return log;
    }

    /// <summary>A port that was free a moment ago and has nothing listening on it now.</summary>
    private static int ClosedPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        return ((System.Net.IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
