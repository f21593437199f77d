using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Http;
using Npgsql;
using WebhookAdmin.Tests.Delivery.Support;
using WebhookAdmin.Tests.Support;

namespace WebhookAdmin.Tests.ScaleOut;

/// <summary>
/// <c>deploy/several-instances.sh</c>, run as a newcomer runs it: Debian's PostgreSQL cluster and nginx (installed when
/// missing), two instances behind the repository's nginx configuration. It brings its own PostgreSQL, not the run's, so it
/// runs once, with the PostgreSQL tests.
/// </summary>
[Trait(TestStorage.Trait, TestStorage.PostgreSqlOnly)]
[Collection(SeparateProcesses.Name)]
public sealed class SeveralInstancesScriptTests
{
    private const int WebhookCount = 6, EventCount = 30;

    /// <summary>Where the script puts its nginx site; one installed there by hand before is put back on exit.</summary>
    private const string Site = "/etc/nginx/conf.d/webhookadmin.conf";

    [Fact]
    public async Task The_script_serves_sign_in_the_api_and_delivery_through_nginx_with_both_instances_delivering_and_takes_its_site_back()
    {
        var receivers = await Task.WhenAll(Enumerable.Range(0, WebhookCount).Select(_ => Receiver.StartAsync(SlowOk)));
        var siteBefore = File.Exists(Site) ? await File.ReadAllTextAsync(Site) : null;
        await using var script = await SeveralInstancesScript.StartAsync();
        try
        {
            var balancer = script.Balancer;

            // An admin signs in through nginx, never sent to an instance's own address, and lands on the Webhooks panel;
            // the circuit's negotiation passes through.
            using (var challenge = await new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }).GetAsync(new Uri(balancer, "/admin/webhooks")))
                Assert.StartsWith($"{balancer}connect/authorize?", challenge.Headers.Location!.ToString());
            var cookies = new CookieContainer();
            Assert.Equal("/admin/webhooks", await BrowserSignIn.SignInAsync(cookies, balancer, "/account/login?returnUrl=/admin/webhooks", "admin@acme.test", "acme-admin"));
            using var browser = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = balancer };
            using var panel = await browser.GetAsync("/admin/webhooks");
            Assert.Equal(HttpStatusCode.OK, panel.StatusCode);
            using var negotiate = await browser.PostAsync("/_blazor/negotiate?negotiateVersion=1", null);
            Assert.Equal(HttpStatusCode.OK, negotiate.StatusCode);

            // The platform publishes through nginx (which pins it to one instance); the deliveries are shared by both.
            using var api = await script.ApiClientAsync();
            foreach (var (receiver, i) in receivers.Select((r, i) => (r, i)))
            {
                using var created = await api.PostAsJsonAsync("/api/v3/webhook/subscription", new { name = $"Behind nginx {i}", url = receiver.Url, trigger = "create-edit-delete-user" });
                Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            }
            var events = Enumerable.Range(0, EventCount).Select(n => new { id = $"nginx-{n}", type = "COTUser", @event = "edit", data = new { n } }).ToArray();
            using var published = await api.PostAsJsonAsync("/api/v3/webhook/events", events);
            Assert.Equal(HttpStatusCode.OK, published.StatusCode); // an array is answered item by item

            var holders = new HashSet<string>();
            await Eventually.WaitAsync(async () =>
            {
                holders.UnionWith(await HoldersAsync(script.Database));
                return receivers.Min(r => r.Arrivals.Distinct().Count());
            }, n => n == EventCount, TimeSpan.FromSeconds(90), "every event at every receiver");

            Assert.All(receivers, r => Assert.Equal(Enumerable.Range(0, EventCount), r.Arrivals.Distinct()));
            Assert.Equal(2, holders.Count);

            await script.StopAsync();
            Assert.Contains("several-instances: stopped", script.Output);
            Assert.Equal(siteBefore, File.Exists(Site) ? await File.ReadAllTextAsync(Site) : null);
            using var afterwards = new HttpClient();
            await Assert.ThrowsAsync<HttpRequestException>(() => afterwards.GetAsync(new Uri(balancer, "/.well-known/openid-configuration")));
        }
        finally
        {
            foreach (var receiver in receivers)
                await receiver.DisposeAsync();
        }
    }

    [Theory]
    [InlineData("WEBHOOKADMIN_DATABASE", "x';DROP DATABASE postgres;--", "is not a database name this script creates")]
    [InlineData("WEBHOOKADMIN_INSTANCE_PORTS", "5081 70000", "\"70000\" is not a TCP port")]
    [InlineData("WEBHOOKADMIN_BALANCER_PORT", "80x", "\"80x\" is not a TCP port")]
    public async Task The_script_refuses_a_bad_setting_before_it_starts_anything(string variable, string value, string message)
    {
        var start = new System.Diagnostics.ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(Localization.SourceTree.Root, "deploy", "several-instances.sh"));
        start.Environment[variable] = value;
        using var script = System.Diagnostics.Process.Start(start)!;
        var output = script.StandardOutput.ReadToEndAsync();
        var errors = await script.StandardError.ReadToEndAsync();
        await script.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(2, script.ExitCode);
        Assert.Contains(message, errors);
        // Nothing was installed, started or built: the script said nothing of its own.
        Assert.Equal("", await output);
    }

    /// <summary>Slow enough that the queues last while the second instance claims its share.</summary>
    private static readonly Answer SlowOk = async (_, _, aborted) =>
    {
        await Task.Delay(TimeSpan.FromMilliseconds(100), aborted);
        return Results.Text("ok");
    };

    /// <summary>The instances holding a webhook's queue right now (the housekeeping duties share the table).</summary>
    private static async Task<IReadOnlyList<string>> HoldersAsync(string database)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""SELECT DISTINCT "Owner" FROM "DeliveryLeases" WHERE "WebhookId" NOT LIKE 'duty:%'""", connection);
        var owners = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            owners.Add(reader.GetString(0));
        return owners;
    }
}
