using System.Net;
using Microsoft.AspNetCore.Builder;
using WebhookAdmin.Hosting;
using WebhookAdmin.Tests.Support;

namespace WebhookAdmin.Tests.Operations;

public sealed class HealthTests(TestApp app) : IClassFixture<TestApp>
{
    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    public async Task Health_answers_anonymously_and_says_only_healthy(string path)
    {
        using var anonymous = app.Anonymous();

        using var response = await anonymous.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    [Trait(TestStorage.Trait, TestStorage.SqliteOnly)]
    public async Task Ready_is_unhealthy_until_the_database_is_migrated_while_live_already_answers()
    {
        var folder = Directory.CreateTempSubdirectory("webhookadmin-health-").FullName;
        var url = $"http://127.0.0.1:{FreePort()}";
        // Started without PrepareAsync: nothing is migrated.
        var unprepared = WebhookAdminHost.CreateBuilder([
            $"--urls={url}", "--environment=Development", $"--ConnectionStrings:WebhookAdmin=Data Source={Path.Combine(folder, "webhookadmin.db")}",
            "--Logging:LogLevel:Default=None"]).BuildWebhookAdmin();
        await unprepared.StartAsync();
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri(url) };

            using var ready = await client.GetAsync("/health/ready");
            using var live = await client.GetAsync("/health/live");

            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            Assert.Equal("Unhealthy", await ready.Content.ReadAsStringAsync());
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        }
        finally
        {
            await unprepared.StopAsync();
            await unprepared.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
