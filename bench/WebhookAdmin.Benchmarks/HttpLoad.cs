using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using WebhookAdmin.Core.Webhooks;
using WebhookAdmin.Hosting;
using WebhookAdmin.Tests.Support;

namespace WebhookAdmin.Benchmarks;

/// <summary>
/// The whole app (API, sign-in, dispatcher) in this process on a real port and a fresh SQLite file, as integrators
/// reach it: Bearer tokens from the embedded provider, one webhook that every published user edit goes to.
/// </summary>
internal sealed class AppTarget : IAsyncDisposable
{
    private readonly WebApplication[] _apps;
    private readonly string _folder;

    private AppTarget(WebApplication[] apps, string folder, string baseUrl, string token)
    {
        _apps = apps;
        _folder = folder;
        BaseUrl = baseUrl;
        Token = token;
    }

    public string BaseUrl { get; }

    public string Token { get; }

    /// <summary>The app (as many instances as <paramref name="storage"/> says, on one database); requests go to the first.</summary>
    public static async Task<AppTarget> StartAsync(string receiverUrl, BenchStorage storage)
    {
        var folder = Directory.CreateTempSubdirectory("webhookadmin-bench-app-").FullName;
        var connectionString = await storage.NewDatabaseAsync(folder);
        var apps = new WebApplication[storage.Instances];
        var baseUrl = "";
        for (var i = 0; i < apps.Length; i++)
        {
            var url = $"http://127.0.0.1:{FreePort()}";
            baseUrl = i == 0 ? url : baseUrl;
            apps[i] = WebhookAdminHost.CreateBuilder([
                $"--urls={url}", "--environment=Development", $"--Storage:Provider={storage.Provider}",
                $"--ConnectionStrings:WebhookAdmin={connectionString}", "--Logging:LogLevel:Default=Warning"]).BuildWebhookAdmin();
            await apps[i].PrepareAsync();
            await apps[i].StartAsync();
        }
        var app = apps[0];
        await app.Services.GetRequiredService<WebhookService>().CreateAsync(BenchEvents.Company,
            new WebhookDraft("Bench", $"{receiverUrl}/hook/0", WebhookTrigger.User));

        using var client = new HttpClient { BaseAddress = new Uri(baseUrl) };
        return new AppTarget(apps, folder, baseUrl, await DevelopmentTokens.AccessTokenAsync(client));
    }

    /// <summary>Checks that the endpoint takes the body before loading it, so a figure never counts refusals.</summary>
    public async Task EnsureAcceptedAsync(string path, string body)
    {
        using var client = new HttpClient { BaseAddress = new Uri(BaseUrl) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        using var response = await client.PostAsync(path, new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"POST {path} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var app in _apps)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>wrk (Debian's package) driving one endpoint from a second process: requests/s answered 2xx.</summary>
internal static partial class Wrk
{
    public static bool Available => File.Exists("/usr/bin/wrk");

    /// <returns>Successful (2xx) requests per second over the run.</returns>
    public static async Task<double> PostAsync(string url, string body, string? token, int connections, TimeSpan duration)
    {
        var script = Path.Combine(Path.GetTempPath(), $"webhookadmin-wrk-{Guid.NewGuid():N}.lua");
        var lua = new System.Text.StringBuilder();
        lua.AppendLine("wrk.method = \"POST\"");
        lua.AppendLine("wrk.headers[\"Content-Type\"] = \"application/json\"");
        if (token is not null)
            lua.AppendLine($"wrk.headers[\"Authorization\"] = \"Bearer {token}\"");
        lua.AppendLine($"wrk.body = [==[{body}]==]");
        await File.WriteAllTextAsync(script, lua.ToString());
        try
        {
            var start = new ProcessStartInfo("/usr/bin/wrk",
                ["-t1", $"-c{connections}", $"-d{(int)duration.TotalSeconds}s", "--timeout", "10s", "-s", script, url])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var process = Process.Start(start)!;
            var output = await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            var requests = long.Parse(Requests().Match(output).Groups[1].Value, CultureInfo.InvariantCulture);
            var seconds = double.Parse(Seconds().Match(output).Groups[1].Value, CultureInfo.InvariantCulture);
            var failed = NonSuccess().Match(output) is { Success: true } match ? long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
            return (requests - failed) / seconds;
        }
        finally
        {
            File.Delete(script);
        }
    }

    [GeneratedRegex(@"(\d+) requests in")]
    private static partial Regex Requests();

    [GeneratedRegex(@"requests in ([\d.]+)s")]
    private static partial Regex Seconds();

    [GeneratedRegex(@"Non-2xx or 3xx responses: (\d+)")]
    private static partial Regex NonSuccess();
}
