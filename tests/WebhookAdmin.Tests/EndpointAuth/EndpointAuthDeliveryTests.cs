using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WebhookAdmin.Core.EndpointAuth;
using WebhookAdmin.Core.Logs;
using WebhookAdmin.Core.Storage;
using WebhookAdmin.Tests.Delivery.Support;
using WebhookAdmin.Tests.Support;

namespace WebhookAdmin.Tests.EndpointAuth;

/// <summary>What a receiver that wants more than a signature gets: its headers, Basic, Bearer or an OAuth2 token.</summary>
public sealed class EndpointAuthDeliveryTests
{
    [Fact]
    public async Task Custom_headers_and_basic_credentials_reach_the_receiver_and_no_secret_is_stored_in_the_clear()
    {
        await using var receiver = await Receiver.StartAsync();
        await using var host = await DispatcherHost.StartAsync();
        var webhook = await host.CreateUserWebhookAsync(receiver.Url);

        var saved = await Auth(host).SaveAsync(Ids.Acme, webhook.Id, new EndpointAuthSettings(EndpointAuthKind.Basic, Username: "crm", Password: "s3cret-passw0rd",
            Headers: [new("X-Api-Key", "key-0123456789abcdef"), new("X-Tenant", "acme"), new("Content-Language", "es")]));
        await host.PublishUserEditsAsync(1);
        await host.SettledLogsAsync(webhook.Id, 1);

        Assert.IsType<EndpointAuthOutcome.Saved>(saved);
        var request = Assert.Single(receiver.Requests);
        Assert.Equal(("key-0123456789abcdef", "acme", "es"), (request.Header("x-api-key"), request.Header("x-tenant"), request.Header("content-language")));
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("crm:s3cret-passw0rd")), request.Header("authorization"));
        Assert.NotEmpty(request.Header("webhook-signature"));
        await using var db = await host.Services.GetRequiredService<IDbContextFactory<WebhookAdminDbContext>>().CreateDbContextAsync();
        var stored = await db.EndpointAuthentications.AsNoTracking().SingleAsync();
        Assert.DoesNotContain("s3cret", stored.ProtectedSecrets);
        Assert.DoesNotContain("key-0123", stored.ProtectedSecrets);
        Assert.Equal("""["X-Api-Key","X-Tenant","Content-Language"]""", stored.HeaderNames);
    }

    [Fact]
    public async Task A_bearer_token_goes_as_authorization_and_a_change_applies_from_the_next_delivery()
    {
        await using var receiver = await Receiver.StartAsync();
        await using var host = await DispatcherHost.StartAsync();
        var webhook = await host.CreateUserWebhookAsync(receiver.Url);
        await Auth(host).SaveAsync(Ids.Acme, webhook.Id, new EndpointAuthSettings(EndpointAuthKind.Bearer, Token: "first-token"));
        await host.PublishUserEditsAsync(1);
        await host.SettledLogsAsync(webhook.Id, 1);

        await Auth(host).SaveAsync(Ids.Acme, webhook.Id, new EndpointAuthSettings(EndpointAuthKind.Bearer, Token: "second-token"));
        await host.PublishUserEditsAsync(2);
        await host.SettledLogsAsync(webhook.Id, 2);
        await Auth(host).RemoveAsync(Ids.Acme, webhook.Id);
        await host.PublishUserEditsAsync(3);
        await host.SettledLogsAsync(webhook.Id, 3);

        Assert.Equal(["Bearer first-token", "Bearer second-token", ""], receiver.Requests.Select(r => r.Header("authorization")));
    }

    [Fact]
    public async Task An_oauth2_token_is_fetched_once_kept_and_fetched_again_within_the_attempt_when_the_receiver_refuses_it()
    {
        await using var tokenServer = await Receiver.StartAsync((_, index, _) =>
            Task.FromResult(Microsoft.AspNetCore.Http.Results.Json(new { access_token = $"token-{index + 1}", token_type = "Bearer", expires_in = 3600 })));
        var accepted = "Bearer token-1";
        await using var receiver = await Receiver.StartAsync((request, _, _) => Task.FromResult(request.Header("authorization") == accepted
            ? Microsoft.AspNetCore.Http.Results.Text("ok")
            : Microsoft.AspNetCore.Http.Results.Text("token refused", statusCode: 401)));
        await using var host = await DispatcherHost.StartAsync();
        var webhook = await host.CreateUserWebhookAsync(receiver.Url);
        await Auth(host).SaveAsync(Ids.Acme, webhook.Id, new EndpointAuthSettings(EndpointAuthKind.OAuth2,
            TokenUrl: tokenServer.Url, ClientId: "webhooks", ClientSecret: "client-secret-value", Scope: "events.write"));

        await host.PublishUserEditsAsync(1, 2);
        await host.SettledLogsAsync(webhook.Id, 2);
        // The receiver's authorization server revoked the token early.
        accepted = "Bearer token-2";
        await host.PublishUserEditsAsync(3);
        var logs = await host.SettledLogsAsync(webhook.Id, 3);

        Assert.Equal(2, tokenServer.Requests.Count);
        var form = System.Web.HttpUtility.ParseQueryString(tokenServer.Requests[0].Body);
        Assert.Equal(("client_credentials", "webhooks", "client-secret-value", "events.write"), (form["grant_type"], form["client_id"], form["client_secret"], form["scope"]));
        Assert.Equal(["Bearer token-1", "Bearer token-1", "Bearer token-1", "Bearer token-2"], receiver.Requests.Select(r => r.Header("authorization")));
        Assert.All(logs, l => Assert.Equal((DeliveryState.Succeeded, 1), (l.State, l.Retry)));
    }

    [Fact]
    public async Task A_token_url_that_fails_is_the_attempt_s_recorded_error()
    {
        await using var tokenServer = await Receiver.StartAsync(Answers.Status(500, """{"error":"server_error"}"""));
        await using var receiver = await Receiver.StartAsync();
        await using var host = await DispatcherHost.StartAsync(new Dictionary<string, string> { ["MaxAttempts"] = "1" });
        var webhook = await host.CreateUserWebhookAsync(receiver.Url);
        await Auth(host).SaveAsync(Ids.Acme, webhook.Id, new EndpointAuthSettings(EndpointAuthKind.OAuth2, TokenUrl: tokenServer.Url, ClientId: "webhooks", ClientSecret: "x"));

        await host.PublishUserEditsAsync(1);
        var log = Assert.Single(await host.SettledLogsAsync(webhook.Id, 1));

        Assert.Equal((DeliveryState.Failed, 0), (log.State, log.Status));
        Assert.StartsWith("oauth2: the token URL answered 500", log.Response);
        Assert.Empty(receiver.Requests);
    }

    private static EndpointAuthService Auth(DispatcherHost host) => host.Services.GetRequiredService<EndpointAuthService>();
}
