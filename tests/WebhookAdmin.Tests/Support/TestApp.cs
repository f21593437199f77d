using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using WebhookAdmin.Hosting;

namespace WebhookAdmin.Tests.Support;

/// <summary>
/// The whole app in this process on a real Kestrel port, with its own database (see <see cref="TestStorage"/>) and the embedded development
/// identity provider, so API tests get real tokens and go through real HTTP. One per test class.
/// </summary>
public class TestApp : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("webhookadmin-app-").FullName;
    private WebApplication? _app;

    public Uri BaseAddress { get; private set; } = null!;

    public IServiceProvider Services => _app!.Services;

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    public string ConnectionString { get; private set; } = "";

    /// <summary>Extra command-line settings a test class needs (e.g. fast retries).</summary>
    protected virtual IEnumerable<string> ExtraArguments => [];

    /// <summary>How the app reaches its database (e.g. through a <see cref="TcpProxy"/>); <see cref="ConnectionString"/> stays direct.</summary>
    protected virtual string AppConnectionString(string database) => database;

    /// <summary>Runs once the app has stopped (to undo what the test class set up around it).</summary>
    protected virtual void AfterStop()
    {
    }

    /// <summary>Services a test class adds to the app's own (e.g. an in-memory telemetry exporter).</summary>
    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    public async Task InitializeAsync()
    {
        BaseAddress = new Uri($"http://127.0.0.1:{FreeTcpPort()}");
        ConnectionString = await TestStorage.NewDatabaseAsync(_directory);
        string[] args =
        [
            $"--urls={BaseAddress}",
            "--environment=Development",
            .. TestStorage.AppArguments(AppConnectionString(ConnectionString)),
            "--Logging:LogLevel:Default=Warning",
            .. ExtraArguments,
        ];
        var builder = WebhookAdminHost.CreateBuilder(args);
        ConfigureServices(builder.Services);
        builder.Services.TryAddSingleton<WebhookAdmin.Core.Notices.IOperationalNotices, SilentNotices>();
        _app = builder.BuildWebhookAdmin();
        await _app.PrepareAsync();
        await _app.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        AfterStop();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Only a temp folder is left behind.
        }
    }

    public HttpClient Anonymous() => new() { BaseAddress = BaseAddress };

    /// <summary>A client holding an access token from the client-credentials grant, as a platform would get one.</summary>
    public Task<HttpClient> ApiClientAsync(string clientId = "acme-platform", string clientSecret = "acme-platform-secret") =>
        DevelopmentTokens.AuthorizeAsync(Anonymous(), clientId, clientSecret);

    public static int FreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
