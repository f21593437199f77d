using Microsoft.Extensions.DependencyInjection;
using WebhookAdmin.Core.Delivery;
using WebhookAdmin.Core.Webhooks;
using WebhookAdmin.Tests.Delivery.Support;
using WebhookAdmin.Tests.Support;

namespace WebhookAdmin.Tests.Delivery;

public sealed class SignatureTests
{
    /// <summary>
    /// The specification's own test vector, from the reference libraries' tests: standard-webhooks/standard-webhooks,
    /// libraries/csharp/StandardWebhooks.Tests/WebhookTest.cs, <c>verifyWebhookSignWorks</c> (commit 1e88c9ce).
    /// </summary>
    [Fact]
    public void Signer_reproduces_the_specification_test_vector()
    {
        var signature = WebhookSigner.Sign(
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, "{\"test\": 2432232314}");

        Assert.Equal("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", signature);
    }

    [Fact]
    public async Task Every_attempt_is_signed_per_the_specification_and_keeps_the_same_webhook_id()
    {
        await using var receiver = await Receiver.StartAsync(Answers.FailEvent(n: 1, failures: 2));
        await using var host = await DispatcherHost.StartAsync();
        var webhook = await host.CreateUserWebhookAsync(receiver.Url);

        await host.PublishUserEditsAsync(1);

        var log = Assert.Single(await host.SettledLogsAsync(webhook.Id, 1));
        var secret = await host.Services.GetRequiredService<WebhookSecrets>().GetAsync(Ids.Acme, webhook.Id);
        Assert.Equal(3, receiver.Requests.Count);
        Assert.All(receiver.Requests, request =>
        {
            Assert.Equal(log.PublicId, request.Header("webhook-id"));
            Assert.Equal(1, SpecVerifier.MatchingSignatures(request, secret!));
            Assert.Equal("application/json", request.Header("content-type"));
            Assert.StartsWith("WebhookAdmin/", request.Header("user-agent"));
            Assert.Equal(log.EventJson, request.Body);
        });
        Assert.Equal(0, SpecVerifier.MatchingSignatures(receiver.Requests[0], WebhookService.NewSecret()));
    }

    [Fact]
    public async Task After_a_rotation_both_the_new_and_the_old_secret_sign_during_the_overlap()
    {
        await using var receiver = await Receiver.StartAsync();
        await using var host = await DispatcherHost.StartAsync();
        var webhook = await host.CreateUserWebhookAsync(receiver.Url);
        var secrets = host.Services.GetRequiredService<WebhookSecrets>();
        var old = webhook.Secret;

        var rotated = await secrets.RotateAsync(Ids.Acme, webhook.Id);
        await host.PublishUserEditsAsync(1);

        await host.SettledLogsAsync(webhook.Id, 1);
        var request = Assert.Single(receiver.Requests);
        Assert.NotEqual(old, rotated);
        Assert.Equal(rotated, await secrets.GetAsync(Ids.Acme, webhook.Id));
        Assert.Equal(2, request.Header("webhook-signature").Split(' ').Length);
        Assert.Equal(1, SpecVerifier.MatchingSignatures(request, rotated!));
        Assert.Equal(1, SpecVerifier.MatchingSignatures(request, old));
    }

    [Fact]
    public async Task A_secret_is_only_rotated_for_its_own_company()
    {
        await using var host = await DispatcherHost.StartAsync(dispatch: false);
        var webhook = await host.CreateUserWebhookAsync("https://receiver.example/hook");
        var secrets = host.Services.GetRequiredService<WebhookSecrets>();

        Assert.Null(await secrets.RotateAsync(Ids.Globex, webhook.Id));
        Assert.Null(await secrets.GetAsync(Ids.Globex, webhook.Id));
        Assert.Equal(webhook.Secret, await secrets.GetAsync(Ids.Acme, webhook.Id));
    }

    [Fact]
    public void The_old_secret_stops_signing_when_the_overlap_ends()
    {
        var now = DateTime.UtcNow;
        var (current, previous) = (WebhookService.NewSecret(), WebhookService.NewSecret());
        DeliveryTarget Target(string? old, DateTime? expiresAt) => new(new Webhook
        {
            Id = Ids.Workflow, CompanyId = Ids.Acme, Trigger = WebhookTrigger.User, Url = "https://receiver.example", Name = "n", Code = "n",
            Secret = current, PreviousSecret = old, PreviousSecretExpiresAt = expiresAt,
        });

        Assert.Equal([WebhookSecrets.KeyOf(current), WebhookSecrets.KeyOf(previous)], Target(previous, now.AddSeconds(1)).SigningKeys(now));
        Assert.Equal([WebhookSecrets.KeyOf(current)], Target(previous, now).SigningKeys(now));
        Assert.Equal([WebhookSecrets.KeyOf(current)], Target(null, null).SigningKeys(now));
    }
}
