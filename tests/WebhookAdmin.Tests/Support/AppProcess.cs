using System.Diagnostics;
using WebhookAdmin.Hosting;

namespace WebhookAdmin.Tests.Support;

/// <summary>
/// The real app in a process of its own (<c>dotnet WebhookAdmin.dll</c>, Development, its own port, a given
/// database), so a test can do to it what happens to servers: kill it with SIGKILL and start it again on the same data.
/// </summary>
public sealed class AppProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ProcessOutput _output;
    private readonly string _home;

    private AppProcess(Process process, Uri baseAddress, string home)
    {
        _process = process;
        _home = home;
        BaseAddress = baseAddress;
        _output = ProcessOutput.Capture(process);
    }

    public Uri BaseAddress { get; }

    /// <summary>The process id, to read its memory from <c>/proc</c>.</summary>
    public int ProcessId => _process.Id;

    /// <summary>What the process printed, for failure messages.</summary>
    public string Output => _output.Text;

    /// <param name="connectionString">The database, of the run's provider (<see cref="TestStorage"/>).</param>
    public static async Task<AppProcess> StartAsync(string connectionString, params string[] settings)
    {
        var baseAddress = new Uri($"http://127.0.0.1:{TestApp.FreeTcpPort()}");
        var appDll = typeof(WebhookAdminHost).Assembly.Location;
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(appDll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // A home of its own, as on a machine of its own: nothing (such as ASP.NET Core's default key folder,
        // ~/.aspnet/DataProtection-Keys) is shared between instances except through the database.
        var home = Directory.CreateTempSubdirectory("webhookadmin-home-").FullName;
        start.Environment["HOME"] = home;
        start.Environment["DOTNET_CLI_HOME"] = home;
        foreach (var argument in new[]
        {
            appDll, $"--urls={baseAddress}", "--environment=Development", "--Logging:LogLevel:Default=Warning",
        }.Concat(TestStorage.AppArguments(connectionString)).Concat(settings))
            start.ArgumentList.Add(argument);
        var app = new AppProcess(Process.Start(start)!, baseAddress, home);
        try
        {
            await ChildProcesses.WaitUntilAnswersAsync(app._process, app._output, baseAddress, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(2));
            return app;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    /// <summary>SIGTERM, as a service manager stops it: the host shuts down cleanly. Returns once the process has exited.</summary>
    public async Task StopAsync()
    {
        if (_process.HasExited)
            return;
        if (ChildProcesses.Signal(_process.Id, ChildProcesses.SigTerm) != 0)
            throw new InvalidOperationException($"Could not send SIGTERM to process {_process.Id}.");
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
    }

    /// <summary>SIGKILL: no shutdown, no flush, nothing the app can do about it.</summary>
    public async Task KillAsync()
    {
        if (_process.HasExited)
            return;
        _process.Kill();
        await _process.WaitForExitAsync();
    }

    public Task<HttpClient> ApiClientAsync(string clientId = "acme-platform", string clientSecret = "acme-platform-secret") =>
        DevelopmentTokens.AuthorizeAsync(new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) }, clientId, clientSecret);

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
        try
        {
            Directory.Delete(_home, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
