using System.Diagnostics;
using System.Text.RegularExpressions;
using WebhookAdmin.Hosting;
using WebhookAdmin.Tests.Localization;

namespace WebhookAdmin.Tests.Support;

/// <summary>
/// <c>deploy/several-instances.sh</c> in the foreground, as in a terminal, on free ports and a fresh database: Debian's
/// PostgreSQL cluster, two instances of this build, Debian's nginx in front. Stopped as Ctrl-C would (a signal it traps).
/// </summary>
public sealed partial class SeveralInstancesScript : IAsyncDisposable
{
    private const string TestDatabase = "webhookadmin_script_test";
    private readonly Process _process;
    private readonly string _work;
    private readonly ProcessOutput _output;
    private readonly TaskCompletionSource<string> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private string? _postgreSqlPort;

    private SeveralInstancesScript(Process process, string work, Uri balancer)
    {
        _process = process;
        _work = work;
        Balancer = balancer;
        _output = ProcessOutput.Capture(process, Read);
    }

    /// <summary>nginx's address, the one the script tells the admin to open.</summary>
    public Uri Balancer { get; }

    /// <summary>A connection string to the database the instances share.</summary>
    public string Database { get; private set; } = "";

    public string Output => _output.Text;

    public static async Task<SeveralInstancesScript> StartAsync()
    {
        var balancerPort = TestApp.FreeTcpPort();
        // Through env, which gives bash Ctrl-C's default handling: a test run started in the background (`./test.sh &`)
        // ignores SIGINT, every child inherits that, and a non-interactive bash cannot trap a signal ignored on entry (the
        // stop below then waited 90 s for a script that never heard it).
        var start = new ProcessStartInfo("env") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = SourceTree.Root };
        start.ArgumentList.Add("--default-signal=INT");
        start.ArgumentList.Add("bash");
        start.ArgumentList.Add(Path.Combine(SourceTree.Root, "deploy", "several-instances.sh"));
        start.ArgumentList.Add("--fresh");
        start.Environment["WEBHOOKADMIN_BALANCER_PORT"] = balancerPort.ToString();
        start.Environment["WEBHOOKADMIN_INSTANCE_PORTS"] = $"{TestApp.FreeTcpPort()} {TestApp.FreeTcpPort()}";
        start.Environment["WEBHOOKADMIN_DATABASE"] = TestDatabase;
        // This build, not a second one: the tests' binaries are the app as built from this tree.
        start.Environment["WEBHOOKADMIN_APP_DLL"] = typeof(WebhookAdminHost).Assembly.Location;
        var work = Directory.CreateTempSubdirectory("webhookadmin-several-").FullName;
        start.Environment["WEBHOOKADMIN_WORK"] = work;
        var script = new SeveralInstancesScript(Process.Start(start)!, work, new Uri($"http://127.0.0.1:{balancerPort}/"));
        try
        {
            // Installing nginx on a fresh machine takes most of this.
            var port = await script._ready.Task.WaitAsync(TimeSpan.FromMinutes(5));
            script.Database = $"Host=127.0.0.1;Port={port};Username=postgres;Password=webhookadmin;Database={TestDatabase};Pooling=false";
            return script;
        }
        catch (Exception e)
        {
            var output = script.Output;
            await script.DisposeAsync();
            throw new InvalidOperationException($"The script did not get ready ({e.Message}):\n{output}", e);
        }
    }

    /// <summary>An API client of Acme's platform, with a token from the instance nginx sends it to.</summary>
    public Task<HttpClient> ApiClientAsync() =>
        DevelopmentTokens.AuthorizeAsync(new HttpClient { BaseAddress = Balancer, Timeout = TimeSpan.FromSeconds(30) });

    /// <summary>SIGINT, as Ctrl-C in its terminal; returns once the script has cleaned up and exited.</summary>
    public async Task StopAsync()
    {
        if (_process.HasExited)
            return;
        Assert.Equal(0, ChildProcesses.Signal(_process.Id, ChildProcesses.SigInt));
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(90));
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        finally
        {
            if (!_process.HasExited)
                _process.Kill(entireProcessTree: true);
            _process.Dispose();
            Directory.Delete(_work, recursive: true);
        }
    }

    /// <summary>Each line the script prints: where PostgreSQL is, then whether it got ready.</summary>
    private void Read(string line)
    {
        if (PostgreSqlLine().Match(line) is { Success: true } postgreSql)
            _postgreSqlPort = postgreSql.Groups[1].Value;
        if (line.StartsWith("several-instances: ready", StringComparison.Ordinal))
            _ready.TrySetResult(_postgreSqlPort ?? throw new InvalidOperationException("The script named no PostgreSQL port."));
        if (line.StartsWith("several-instances: stopped", StringComparison.Ordinal))
            _ready.TrySetException(new InvalidOperationException("The script stopped before it was ready."));
    }


    [GeneratedRegex(@"^several-instances: PostgreSQL \S+ on port (\d+), database")]
    private static partial Regex PostgreSqlLine();
}
