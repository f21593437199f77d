using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace WebhookAdmin.Tests.Support;

/// <summary>
/// A real PostgreSQL server for this test run, started from Debian's <c>postgresql</c> package: <c>initdb</c> into a
/// temporary folder and <c>pg_ctl</c> on a free loopback port, as the <c>postgres</c> user when the tests run as root
/// (the server refuses root). One per test process, stopped when it exits; each test host gets a database of its own.
/// When it cannot be started the tests that need it fail and say why — nothing is skipped.
/// </summary>
public sealed class PostgresServer
{
    private static readonly Lazy<Task<PostgresServer>> Shared = new(StartAsync);
    private readonly string _folder;
    private readonly string _binaries;
    private int _databases;

    private PostgresServer(string folder, string binaries, int port)
    {
        _folder = folder;
        _binaries = binaries;
        Port = port;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Stop();
    }

    public int Port { get; }

    /// <summary>More server settings (<c>-c name=value …</c>) for the run's server, read when it starts (the benchmark loads pg_stat_statements).</summary>
    public const string ExtraSettingsVariable = "WEBHOOKADMIN_POSTGRES_SETTINGS";

    public static Task<PostgresServer> InstanceAsync() => Shared.Value;

    /// <summary>A new, empty database on the server, and its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = $"webhookadmin_{Environment.ProcessId}_{Interlocked.Increment(ref _databases)}";
        await using (var connection = new NpgsqlConnection(ConnectionString("postgres")))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync();
        }
        return ConnectionString(name);
    }

    private string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Maximum Pool Size=30;Timeout=30;Command Timeout=60";

    private static async Task<PostgresServer> StartAsync()
    {
        var binaries = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "initdb"))).Order().LastOrDefault()
            : null;
        if (binaries is null)
            throw new InvalidOperationException(
                "PostgreSQL is not installed: the PostgreSQL tests need Debian's postgresql package (./test.sh installs it; by hand: apt-get install -y postgresql).");

        RemoveLeftovers();
        var folder = Directory.CreateTempSubdirectory(FolderPrefix).FullName;
        var data = Path.Combine(folder, "data");
        var asRoot = Environment.UserName == "root";
        if (asRoot)
            await RunAsync("chown", ["-R", "postgres:postgres", folder]);
        var port = FreePort();
        await RunAsync(Path.Combine(binaries, "initdb"), ["-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-locale"], asRoot);
        // Tests open many pools side by side; fsync stays on, as in production, so commits cost what they really cost.
        await RunAsync(Path.Combine(binaries, "pg_ctl"),
            ["-D", data, "-l", Path.Combine(folder, "server.log"), "-w", "-t", "60",
             "-o", $"-h 127.0.0.1 -p {port} -k {folder} -c max_connections=600 -c shared_buffers=64MB {Environment.GetEnvironmentVariable(ExtraSettingsVariable)}", "start"], asRoot);
        return new PostgresServer(folder, binaries, port);
    }

    private const string FolderPrefix = "webhookadmin-postgres-";

    /// <summary>
    /// Removes the folders of earlier runs whose server is no longer running. A test host is killed soon after it
    /// exits, often before <see cref="Stop"/> has deleted a folder of several gigabytes, and they piled up in /tmp
    /// (55 of them, 53 GB, in one day of running the tests).
    /// </summary>
    /// <remarks>Only folders older than ten minutes: a younger one without a running server may be another run's, still starting.</remarks>
    private static void RemoveLeftovers()
    {
        foreach (var folder in Directory.GetDirectories(Path.GetTempPath(), FolderPrefix + "*"))
        {
            try
            {
                if (File.Exists(Path.Combine(folder, "data", "postmaster.pid")) || Directory.GetLastWriteTimeUtc(folder) > DateTime.UtcNow.AddMinutes(-10))
                    continue;
                Directory.Delete(folder, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Another user's, or being removed by another run: not this run's to clean.
            }
        }
    }

    private void Stop()
    {
        try
        {
            var stop = Start(Path.Combine(_binaries, "pg_ctl"), ["-D", Path.Combine(_folder, "data"), "-m", "immediate", "-w", "stop"], Environment.UserName == "root");
            stop.WaitForExit(30_000);
            Directory.Delete(_folder, recursive: true);
        }
        catch (Exception)
        {
            // The process is ending; a leftover temp folder is all that can remain.
        }
    }

    private static async Task RunAsync(string file, string[] arguments, bool asPostgres = false)
    {
        using var process = Start(file, arguments, asPostgres);
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"Starting PostgreSQL failed: {file} {string.Join(' ', arguments)} exited with {process.ExitCode}:\n{await output}\n{await errors}");
    }

    private static Process Start(string file, string[] arguments, bool asPostgres)
    {
        var start = new ProcessStartInfo(asPostgres ? "runuser" : file) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (asPostgres)
        {
            foreach (var argument in new[] { "-u", "postgres", "--", file })
                start.ArgumentList.Add(argument);
        }
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        return Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
