using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Npgsql;
using WebhookAdmin.Hosting;
using WebhookAdmin.Tests.Support;

namespace WebhookAdmin.Benchmarks;

/// <summary>How much CPU each part gets: PostgreSQL, each app instance, and this process (load generator and receiver).</summary>
internal sealed record ScaleOutSettings(double PostgresCpus, double InstanceCpus, double LoadCpus, int MaxInstances,
    int BurstEvents, int Webhooks, TimeSpan WarmUpTime, TimeSpan PublishTime, int Publishers, int SpreadWebhooks, int Runs);

/// <summary>
/// Several instances measured as separate machines: PostgreSQL and each app instance are separate processes, each in a
/// CPU cgroup of its own with a quota (cgroup v1 <c>cpu</c>, writable as root), this process (load and receiver) in a
/// third, so that adding an instance adds CPU instead of taking it. For 1…<see cref="ScaleOutSettings.MaxInstances"/>
/// instances at the same per-instance quota: deliveries/s of a 100-webhook burst published through the API, publishes/s of
/// one company calling <c>POST events</c> (one event per call) from <see cref="ScaleOutSettings.Publishers"/> connections
/// spread over the instances, PostgreSQL's CPU, and per delivery the statements, transactions and WAL bytes PostgreSQL saw.
/// Publishing is measured twice: to one webhook, whose deliveries one instance makes in order (so that instance's CPU
/// bounds what the cluster publishes), and spread over <see cref="ScaleOutSettings.SpreadWebhooks"/> webhooks of the same company.
/// </summary>
internal static class ScaleOutBenchmark
{
    public static async Task RunAllAsync(ScaleOutSettings settings)
    {
        if (!Directory.Exists(CpuGroup.CpuRoot) || !Directory.Exists(CpuGroup.AcctRoot))
            throw new InvalidOperationException("--scale-out needs cgroup v1's cpu and cpuacct controllers at /sys/fs/cgroup (run as root).");
        CpuGroup.RemoveLeftovers();
        // The server the tests use, with statement statistics loaded (a setting only a start can apply).
        Environment.SetEnvironmentVariable(PostgresServer.ExtraSettingsVariable, "-c shared_preload_libraries=pg_stat_statements -c track_io_timing=off");
        var server = await PostgresServer.InstanceAsync();
        using var postgresGroup = CpuGroup.Create("postgres", settings.PostgresCpus);
        using var loadGroup = CpuGroup.Create("load", settings.LoadCpus);
        postgresGroup.AddProcessTree(await PostmasterAsync(server));
        loadGroup.Add(Environment.ProcessId);
        try
        {
            await using var receiver = await BenchReceiver.StartAsync();
            Console.WriteLine($"WebhookAdmin scale-out benchmark: {Environment.ProcessorCount} cores; cgroup v1 CPU quotas — PostgreSQL " +
                $"{settings.PostgresCpus:0.##} CPU, each instance {settings.InstanceCpus:0.##} CPU, load generator and receiver " +
                $"{settings.LoadCpus:0.##} CPU; median of {settings.Runs} runs");
            Console.WriteLine($"burst: {settings.Webhooks} webhooks × {settings.BurstEvents:N0} events published through the API in batches of 50 " +
                $"({settings.Webhooks * settings.BurstEvents:N0} deliveries); publishing: {settings.Publishers} connections, one event per call, " +
                $"{settings.PublishTime.TotalSeconds:0} s after the same load until the instances' compiler is quiet (at most {settings.WarmUpTime.TotalSeconds:0} s), one company, to one webhook, then spread over {settings.SpreadWebhooks} (one per workflow)");
            Console.WriteLine();
            var rows = new List<(int Instances, Phase Burst, Phase Publish, Phase Spread)>();
            for (var instances = 1; instances <= settings.MaxInstances; instances++)
            {
                var measured = await RunAsync(settings, instances, server, receiver, postgresGroup, loadGroup);
                rows.Add((instances, Median(measured.Select(m => m.Burst), p => p.PerSecond), Median(measured.Select(m => m.Publish), p => p.PerSecond),
                    Median(measured.Select(m => m.Spread), p => p.PerSecond)));
                var last = rows[^1];
                Console.WriteLine($"  {instances} instance(s): burst {last.Burst}; publishing to one webhook {last.Publish}; spread {last.Spread}");
            }
            Console.WriteLine();
            Console.WriteLine($"| instances | burst deliveries/s | × 1 instance | publishes/s, one webhook | × 1 instance | publishes/s, {settings.SpreadWebhooks} webhooks | × 1 instance | " +
                "CPU used (PostgreSQL, instances, load): burst | one webhook | spread | per delivery, burst (statements, transactions, WAL bytes) | spread |");
            Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
            foreach (var (instances, burst, publish, spread) in rows)
            {
                Console.WriteLine($"| {instances} | {burst.PerSecond:N0} | {burst.PerSecond / rows[0].Burst.PerSecond:0.00}× | {publish.PerSecond:N0} | " +
                    $"{publish.PerSecond / rows[0].Publish.PerSecond:0.00}× | {spread.PerSecond:N0} | {spread.PerSecond / rows[0].Spread.PerSecond:0.00}× | " +
                    $"{burst.Cpus} | {publish.Cpus} | {spread.Cpus} | {burst.PerDelivery} | {spread.PerDelivery} |");
            }
        }
        finally
        {
            CpuGroup.MoveToRoot(Environment.ProcessId);
            CpuGroup.MoveTreeToRoot(await PostmasterAsync(server));
        }
    }

    /// <summary>
    /// <see cref="ScaleOutSettings.Runs"/> runs on the same instances and database, each with webhooks of its own (those of
    /// earlier runs deactivated): a fresh process on a sixth of a core takes three to four minutes to compile its hot code.
    /// </summary>
    private static async Task<List<(Phase Burst, Phase Publish, Phase Spread)>> RunAsync(ScaleOutSettings settings, int instanceCount, PostgresServer server,
        BenchReceiver receiver, CpuGroup postgresGroup, CpuGroup loadGroup)
    {
        var database = await server.CreateDatabaseAsync();
        await using (var connection = new NpgsqlConnection(database))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand("CREATE EXTENSION IF NOT EXISTS pg_stat_statements", connection);
            await create.ExecuteNonQueryAsync();
        }
        var groups = new List<CpuGroup>();
        var instances = new List<InstanceProcess>();
        try
        {
            for (var i = 0; i < instanceCount; i++)
            {
                var group = CpuGroup.Create($"instance-{i}", settings.InstanceCpus);
                groups.Add(group);
                // One after the other: the first migrates the database.
                instances.Add(await InstanceProcess.StartAsync(database, group));
            }
            var clients = new List<HttpClient>();
            foreach (var instance in instances)
                clients.Add(await instance.ApiClientAsync());
            try
            {
                var cpu = new Groups(postgresGroup, groups, loadGroup);
                var compilers = new Compilers([.. instances.Select(i => i.ProcessId)]);
                var measured = new List<(Phase Burst, Phase Publish, Phase Spread)>();
                for (var run = 0; run < settings.Runs; run++)
                {
                    var webhooks = new RunWebhooks(clients[0], receiver, run);
                    var publish = await PublishingAsync(settings, clients, receiver, database, cpu, compilers, webhooks, 1);
                    var spread = await PublishingAsync(settings, clients, receiver, database, cpu, compilers, webhooks, settings.SpreadWebhooks);
                    var burst = await BurstAsync(settings, clients, receiver, database, cpu, compilers, webhooks);
                    await webhooks.DeactivateAsync();
                    measured.Add((burst, publish, spread));
                    Console.Error.WriteLine($"{DateTime.Now:T} {instanceCount} instance(s), run {run + 1}: burst {burst.PerSecond:N0}/s, " +
                        $"one webhook {publish.PerSecond:N0}/s, spread {spread.PerSecond:N0}/s");
                }
                return measured;
            }
            finally
            {
                foreach (var client in clients)
                    client.Dispose();
            }
        }
        finally
        {
            foreach (var instance in instances)
                await instance.DisposeAsync();
            foreach (var group in groups)
                group.Dispose();
        }
    }

    /// <summary>
    /// One company: every connection posts one event per call as fast as it is answered. With one webhook, a user
    /// webhook takes every event; with several, task webhooks of as many workflows take one event in turn each.
    /// </summary>
    private static async Task<Phase> PublishingAsync(ScaleOutSettings settings, List<HttpClient> clients, BenchReceiver receiver, string database,
        Groups cpu, Compilers compilers, RunWebhooks made, int webhooks)
    {
        Func<int, int, string> eventJson = EventJson;
        if (webhooks == 1)
        {
            await made.UserWebhooksAsync(0, 1);
        }
        else
        {
            await made.TaskWebhooksAsync(webhooks);
            eventJson = (run, n) => TaskEventJson(run, n, made.Workflow(n % webhooks));
        }
        // Warm-up, the same load until the instances' compiler is quiet: on a quarter of a core, tiering (with its PGO
        // instrumented stage) was still taking a fifth of an instance's CPU 45 s into a run, and how far it had got moved
        // the figures by a third from run to run.
        var warm = receiver.Begin(webhooks, WarmUpRoom);
        var warmed = 0;
        var clock = Stopwatch.StartNew();
        var (_, compiling) = await compilers.WarmUpAsync(
            async () => warmed += await PublishForAsync(WarmUpRound, settings.Publishers, clients, n => eventJson(warm, warmed + n)),
            _ => clock.Elapsed >= settings.WarmUpTime);
        // The receiver counts events numbered below its room; a longer warm-up's later ones arrive uncounted.
        await WaitForAsync(() => receiver.Received >= Math.Min(warmed, WarmUpRoom), TimeSpan.FromMinutes(5), $"the warm-up's {warmed:N0} deliveries");
        Console.Error.WriteLine($"{DateTime.Now:T} warm after {clock.Elapsed.TotalSeconds:0} s: the last 5 s, compiling took {compiling:P1} of the busiest instance's CPU");

        await ResetStatementsAsync(database);
        // Each event reaches one webhook; room for 300,000 events at each is far beyond any run.
        var run = receiver.Begin(webhooks, 300_000);
        var start = await Counters.ReadAsync(database, cpu);
        // Progress on standard error, so that a profiler can be started on the measured phase.
        Console.Error.WriteLine($"{DateTime.Now:T} measuring publishing to {webhooks} webhook(s) on {clients.Count} instance(s)");
        clock.Restart();
        var published = await PublishForAsync(settings.PublishTime, settings.Publishers, clients, n => eventJson(run, n));
        var elapsed = clock.Elapsed;
        var after = await Counters.ReadAsync(database, cpu);
        await PrintBusiestStatementsAsync(database, clients.Count, webhooks, published);
        // The deliveries drain before the burst, so that it measures only itself.
        await WaitForAsync(() => receiver.Received >= published, TimeSpan.FromMinutes(5), $"{published:N0} publishes delivered");
        return Phase.Of(published, elapsed, start, after, deliveries: published);
    }

    private static readonly TimeSpan WarmUpRound = TimeSpan.FromSeconds(5);

    private const int WarmUpRoom = 300_000;

    /// <summary>Publishers, each on the instances in turn, posting one event per call for <paramref name="time"/>: how many were published.</summary>
    private static async Task<int> PublishForAsync(TimeSpan time, int publishers, List<HttpClient> clients, Func<int, string> eventJson)
    {
        var next = -1;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, publishers).Select(async p =>
        {
            var client = clients[p % clients.Count];
            while (clock.Elapsed < time)
            {
                var n = Interlocked.Increment(ref next);
                using var content = new StringContent(eventJson(n), Encoding.UTF8, "application/json");
                using var response = await client.PostAsync("/api/v3/webhook/events", content);
                if (response.StatusCode != HttpStatusCode.Accepted)
                    throw new InvalidOperationException($"A publish was answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            }
        }));
        return next + 1;
    }

    /// <summary>The rest of the webhooks, then every event published in batches of 50 over the instances in turn.</summary>
    private static async Task<Phase> BurstAsync(ScaleOutSettings settings, List<HttpClient> clients, BenchReceiver receiver, string database,
        Groups cpu, Compilers compilers, RunWebhooks made)
    {
        await made.UserWebhooksAsync(1, settings.Webhooks - 1);
        // Warm-up: a batch of 50 through each instance, to every webhook (5,000 deliveries an instance), until the compiler is quiet.
        var (rounds, compiling) = await compilers.WarmUpAsync(
            () => BurstOnceAsync(clients, receiver, receiver.Begin(settings.Webhooks, 50 * clients.Count), 50 * clients.Count, settings.Webhooks),
            rounds => rounds == 20);
        Console.Error.WriteLine($"{DateTime.Now:T} burst warm after {rounds} round(s): the last, compiling took {compiling:P1} of the busiest instance's CPU");

        var run = receiver.Begin(settings.Webhooks, settings.BurstEvents);
        var deliveries = settings.Webhooks * settings.BurstEvents;
        var before = await Counters.ReadAsync(database, cpu);
        var clock = Stopwatch.StartNew();
        await BurstOnceAsync(clients, receiver, run, settings.BurstEvents, settings.Webhooks);
        var elapsed = clock.Elapsed;
        var after = await Counters.ReadAsync(database, cpu);
        return Phase.Of(deliveries, elapsed, before, after, deliveries);
    }

    /// <summary>Every event published in batches of 50, a publisher per instance taking the next batch, until all are delivered.</summary>
    private static async Task BurstOnceAsync(List<HttpClient> clients, BenchReceiver receiver, int run, int events, int webhooks)
    {
        var batches = Enumerable.Range(0, events).Chunk(50).ToArray();
        var nextBatch = -1;
        // The events of one batch keep their order.
        await Task.WhenAll(clients.Select(async client =>
        {
            for (var b = Interlocked.Increment(ref nextBatch); b < batches.Length; b = Interlocked.Increment(ref nextBatch))
            {
                var body = "[" + string.Join(",", batches[b].Select(n => EventJson(run, n))) + "]";
                using var content = new StringContent(body, Encoding.UTF8, "application/json");
                using var response = await client.PostAsync("/api/v3/webhook/events", content);
                response.EnsureSuccessStatusCode();
            }
        }));
        var deliveries = webhooks * events;
        await WaitForAsync(() => receiver.Received >= deliveries, TimeSpan.FromMinutes(10), $"{deliveries:N0} burst deliveries");
    }

    private static async Task ResetStatementsAsync(string database)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var reset = new NpgsqlCommand("SELECT pg_stat_statements_reset()", connection);
        await reset.ExecuteNonQueryAsync();
    }

    /// <summary>What Npgsql sends to reset a pooled connection that keeps prepared statements (DISCARD ALL but DEALLOCATE).</summary>
    private const string ResetStatements = "'SET SESSION AUTHORIZATION DEFAULT', 'RESET ALL', 'CLOSE ALL', 'UNLISTEN *', " +
        "'SELECT pg_advisory_unlock_all()', 'DISCARD TEMP', 'DISCARD SEQUENCES'";

    /// <summary>Where a publish's statements go: the run's most frequent ones, per published event.</summary>
    private static async Task PrintBusiestStatementsAsync(string database, int instances, int webhooks, int published)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT calls, regexp_replace(left(query, 110), '\s+', ' ', 'g') FROM pg_stat_statements
            WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND query NOT IN ({{Reset}})
            UNION ALL
            SELECT coalesce(max(calls), 0), 'connection resets (Npgsql: 7 statements each, before a pooled connection is used again)' FROM pg_stat_statements
            WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND query IN ({{Reset}})
            ORDER BY 1 DESC LIMIT 10
            """.Replace("{{Reset}}", ResetStatements), connection);
        await using var reader = await command.ExecuteReaderAsync();
        Console.WriteLine($"    publishing to {webhooks} webhook(s) with {instances} instance(s), the most frequent statements per published event:");
        while (await reader.ReadAsync())
            Console.WriteLine($"      {reader.GetInt64(0) / (double)published,5:0.00}  {reader.GetString(1)}");
    }

    /// <summary>A task event in <paramref name="workflow"/>, so that it goes to that workflow's webhook.</summary>
    private static string TaskEventJson(int run, int n, string workflow) =>
        $$$"""{"type":"COTTask","event":"edit","data":{"run":{{{run}}},"n":{{{n}}},"_id":"62742b7562f37034d9399915","taskGroup":"{{{workflow}}}","name":"Benchmark task"}}""";

    private static string EventJson(int run, int n) =>
        $$$"""{"type":"COTUser","event":"edit","data":{"run":{{{run}}},"n":{{{n}}},"_id":"62742b7562f37034d9399914","name":"Benchmark user","email":"bench@example.com"}}""";

    private static async Task WaitForAsync(Func<bool> done, TimeSpan timeout, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (!done())
        {
            if (deadline.Elapsed > timeout)
                throw new TimeoutException($"Not reached within {timeout.TotalSeconds:0} s: {what}.");
            await Task.Delay(5);
        }
    }

    private static Phase Median(IEnumerable<Phase> phases, Func<Phase, double> by)
    {
        var ordered = phases.OrderBy(by).ToArray();
        return ordered[ordered.Length / 2];
    }

    /// <summary>The webhooks one run makes, all deactivated when it ends so that the next run's events reach only its own.</summary>
    private sealed class RunWebhooks(HttpClient api, BenchReceiver receiver, int run)
    {
        private readonly List<string> _ids = [];

        /// <summary>User webhooks posting to <c>/hook/{first}</c>…: every user event reaches each of them.</summary>
        public async Task UserWebhooksAsync(int first, int count)
        {
            for (var w = first; w < first + count; w++)
                await CreateAsync(new { name = $"Scale-out {run}.{w}", url = $"{receiver.BaseUrl}/hook/{w}", trigger = "create-edit-delete-user" });
        }

        /// <summary>Task webhooks posting to <c>/hook/0</c>…, one per workflow of this run (the receiver tells runs apart).</summary>
        public async Task TaskWebhooksAsync(int count)
        {
            for (var w = 0; w < count; w++)
            {
                await CreateAsync(new
                {
                    name = $"Scale-out {run} tasks {w}",
                    url = $"{receiver.BaseUrl}/hook/{w}",
                    trigger = "create-edit-delete-task",
                    context = new { taskGroup = Workflow(w) },
                });
            }
        }

        public string Workflow(int w) => $"6261612a8f1e99{run:x4}{w:x6}";

        public async Task DeactivateAsync()
        {
            foreach (var id in _ids)
            {
                using var response = await api.PatchAsJsonAsync($"/api/v3/webhook/subscription/{id}", new { isActive = false });
                response.EnsureSuccessStatusCode();
            }
        }

        private async Task CreateAsync(object webhook)
        {
            using var created = await api.PostAsJsonAsync("/api/v3/webhook/subscription", webhook);
            created.EnsureSuccessStatusCode();
            _ids.Add((await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("_id").GetString()!);
        }
    }

    /// <summary>The server's postmaster: the parent of any backend.</summary>
    private static async Task<int> PostmasterAsync(PostgresServer server)
    {
        await using var connection = new NpgsqlConnection($"Host=127.0.0.1;Port={server.Port};Username=postgres;Database=postgres;Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT pg_backend_pid()", connection);
        var backend = (int)(await command.ExecuteScalarAsync())!;
        return CpuGroup.ParentOf(backend);
    }

    /// <summary>What PostgreSQL counted and spent between two moments.</summary>
    private sealed record Counters(long Statements, long Transactions, long WalBytes, TimeSpan PostgresCpu, TimeSpan InstancesCpu, TimeSpan LoadCpu)
    {
        public static async Task<Counters> ReadAsync(string database, Groups groups)
        {
            await using var connection = new NpgsqlConnection(database);
            await connection.OpenAsync();
            // The statements of this database only, less this query's own: the app's work.
            await using var command = new NpgsqlCommand("""
                SELECT (SELECT coalesce(sum(calls), 0)::bigint FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())),
                       (SELECT (xact_commit + xact_rollback)::bigint FROM pg_stat_database WHERE datname = current_database()),
                       (SELECT wal_bytes::bigint FROM pg_stat_wal)
                """, connection);
            await using var reader = await command.ExecuteReaderAsync();
            await reader.ReadAsync();
            return new Counters(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), groups.Postgres.Usage,
                groups.Instances.Aggregate(TimeSpan.Zero, (sum, group) => sum + group.Usage), groups.Load.Usage);
        }
    }

    /// <summary>The CPU groups of one run.</summary>
    private sealed record Groups(CpuGroup Postgres, IReadOnlyList<CpuGroup> Instances, CpuGroup Load);

    /// <summary>One measured phase: its rate, PostgreSQL's CPU over it, and what PostgreSQL did per delivery.</summary>
    private sealed record Phase(double PerSecond, double PostgresCpus, double InstancesCpus, double LoadCpus, double Statements, double Transactions, double WalBytes)
    {
        public static Phase Of(int done, TimeSpan elapsed, Counters before, Counters after, int deliveries) => new(
            done / elapsed.TotalSeconds,
            (after.PostgresCpu - before.PostgresCpu) / elapsed,
            (after.InstancesCpu - before.InstancesCpu) / elapsed,
            (after.LoadCpu - before.LoadCpu) / elapsed,
            (after.Statements - before.Statements) / (double)deliveries,
            (after.Transactions - before.Transactions) / (double)deliveries,
            (after.WalBytes - before.WalBytes) / (double)deliveries);

        public string Cpus => $"{PostgresCpus:0.00}, {InstancesCpus:0.00}, {LoadCpus:0.00}";

        public string PerDelivery => $"{Statements:0.0}, {Transactions:0.00}, {WalBytes:N0}";

        public override string ToString() =>
            $"{PerSecond:N0}/s, CPU used: PostgreSQL {PostgresCpus:0.00}, instances {InstancesCpus:0.00}, load {LoadCpus:0.00}; per delivery {Statements:0.0} statements, {Transactions:0.00} transactions, {WalBytes:N0} WAL bytes";
    }

    /// <summary>An app instance as its own process (<c>dotnet WebhookAdmin.dll</c>, this build), in its CPU group from its first instruction on.</summary>
    private sealed class InstanceProcess : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly ProcessOutput _output;

        private InstanceProcess(Process process, Uri baseAddress)
        {
            _process = process;
            BaseAddress = baseAddress;
            _output = ProcessOutput.Capture(process);
        }

        public Uri BaseAddress { get; }

        /// <summary>The runtime's process: the shell that started it replaced itself with it.</summary>
        public int ProcessId => _process.Id;

        public static async Task<InstanceProcess> StartAsync(string database, CpuGroup group)
        {
            var baseAddress = new Uri($"http://127.0.0.1:{AppTarget.FreePort()}");
            var appDll = typeof(WebhookAdminHost).Assembly.Location;
            // Started through a shell that joins the group first, so the runtime's start-up is already within the quota.
            var start = new ProcessStartInfo("sh") { WorkingDirectory = Path.GetDirectoryName(appDll)!, RedirectStandardOutput = true, RedirectStandardError = true };
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add($"echo $$ > {group.CpuProcs} && echo $$ > {group.AcctProcs} && exec \"$@\"");
            start.ArgumentList.Add("instance");
            foreach (var argument in new[]
            {
                "dotnet", appDll, $"--urls={baseAddress}", "--environment=Development", "--Logging:LogLevel:Default=Warning",
                "--Storage:Provider=PostgreSql", $"--ConnectionStrings:WebhookAdmin={database}",
                // The measure is the delivery path, not the API's guard against one company's flood.
                "--Api:RateLimit:PermitsPerSecond=1000000",
            })
                start.ArgumentList.Add(argument);
            var instance = new InstanceProcess(Process.Start(start)!, baseAddress);
            try
            {
                await ChildProcesses.WaitUntilAnswersAsync(instance._process, instance._output, baseAddress, TimeSpan.FromMinutes(3), TimeSpan.FromSeconds(5));
                return instance;
            }
            catch
            {
                await instance.DisposeAsync();
                throw;
            }
        }

        public Task<HttpClient> ApiClientAsync() => DevelopmentTokens.AuthorizeAsync(
            new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) });

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                await _process.WaitForExitAsync();
            }
            _process.Dispose();
        }
    }
}

/// <summary>
/// How much of each instance's CPU its runtime's tiered compilation thread (".NET Tiered Com") took since the last look,
/// from /proc: the warm-ups last until it is quiet.
/// </summary>
internal sealed class Compilers(IReadOnlyList<int> processes)
{
    /// <summary>The share of an instance's CPU its compiler may still take when the measure begins.</summary>
    private const double Quiet = 0.02;

    private readonly Dictionary<int, (long Compiler, long All)> _last = [];

    /// <summary>
    /// Runs <paramref name="round"/> until two rounds in a row left every instance's compiler quiet (in a fresh process the
    /// first round can be quiet because tiering has not begun yet), or <paramref name="giveUp"/> says so after a round
    /// (given how many were run). Returns how many rounds ran and the share the compiler took in the last.
    /// </summary>
    public async Task<(int Rounds, double Compiling)> WarmUpAsync(Func<Task> round, Func<int, bool> giveUp)
    {
        Busiest();
        double compiling, previous = 1;
        var rounds = 0;
        while (true)
        {
            await round();
            rounds++;
            compiling = Busiest();
            if (Math.Max(compiling, previous) <= Quiet || giveUp(rounds))
                return (rounds, compiling);
            previous = compiling;
        }
    }

    /// <summary>The largest share, over the instances, of CPU spent compiling since the previous call (or since the start).</summary>
    public double Busiest()
    {
        var busiest = 0.0;
        foreach (var process in processes)
        {
            var now = (Compiler: CompilerTicks(process), All: Ticks($"/proc/{process}/stat"));
            var last = _last.GetValueOrDefault(process);
            _last[process] = now;
            var spent = now.All - last.All;
            // A compiler thread that ended took its ticks with it: the difference is then at most too small, never negative.
            if (spent > 0)
                busiest = Math.Max(busiest, Math.Max(0, now.Compiler - last.Compiler) / (double)spent);
        }
        return busiest;
    }

    private static long CompilerTicks(int process)
    {
        long ticks = 0;
        foreach (var thread in Directory.EnumerateDirectories($"/proc/{process}/task"))
        {
            try
            {
                if (File.ReadAllText(Path.Combine(thread, "comm")).StartsWith(".NET Tiered Com", StringComparison.Ordinal))
                    ticks += Ticks(Path.Combine(thread, "stat"));
            }
            catch (IOException)
            {
                // The thread ended meanwhile.
            }
        }
        return ticks;
    }

    /// <summary>User and system clock ticks of a /proc stat file (fields 14 and 15, counted after the command's closing parenthesis).</summary>
    private static long Ticks(string statFile)
    {
        var stat = File.ReadAllText(statFile);
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[11]) + long.Parse(fields[12]);
    }
}

/// <summary>A cgroup v1 CPU group with a quota, and its twin in <c>cpuacct</c> that counts what its processes spent.</summary>
internal sealed class CpuGroup : IDisposable
{
    public const string CpuRoot = "/sys/fs/cgroup/cpu", AcctRoot = "/sys/fs/cgroup/cpuacct";
    private readonly string _cpu, _acct;

    private CpuGroup(string cpu, string acct) => (_cpu, _acct) = (cpu, acct);

    public string CpuProcs => Path.Combine(_cpu, "cgroup.procs");

    public string AcctProcs => Path.Combine(_acct, "cgroup.procs");

    /// <summary>CPU time its processes spent since it was made.</summary>
    public TimeSpan Usage => TimeSpan.FromTicks(long.Parse(File.ReadAllText(Path.Combine(_acct, "cpuacct.usage")).Trim()) / 100);

    public static CpuGroup Create(string name, double cpus)
    {
        var relative = Path.Combine($"webhookadmin-bench-{Environment.ProcessId}", name);
        var group = new CpuGroup(Path.Combine(CpuRoot, relative), Path.Combine(AcctRoot, relative));
        Directory.CreateDirectory(group._cpu);
        Directory.CreateDirectory(group._acct);
        var period = long.Parse(File.ReadAllText(Path.Combine(group._cpu, "cpu.cfs_period_us")).Trim());
        File.WriteAllText(Path.Combine(group._cpu, "cpu.cfs_quota_us"), ((long)(cpus * period)).ToString());
        return group;
    }

    public void Add(int pid)
    {
        File.WriteAllText(CpuProcs, pid.ToString());
        File.WriteAllText(AcctProcs, pid.ToString());
    }

    /// <summary>A process and the children it already has (those it starts later are born in the group).</summary>
    public void AddProcessTree(int pid)
    {
        foreach (var member in Tree(pid))
            Add(member);
    }

    public static void MoveToRoot(int pid)
    {
        File.WriteAllText(Path.Combine(CpuRoot, "cgroup.procs"), pid.ToString());
        File.WriteAllText(Path.Combine(AcctRoot, "cgroup.procs"), pid.ToString());
    }

    public static void MoveTreeToRoot(int pid)
    {
        foreach (var member in Tree(pid))
        {
            try
            {
                MoveToRoot(member);
            }
            catch (IOException) when (!Directory.Exists($"/proc/{member}"))
            {
                // A backend that ended between the listing and the move (ESRCH): nothing left to move.
            }
        }
    }

    /// <summary>
    /// The empty groups of earlier runs: a run cannot remove PostgreSQL's, whose server stops only when the run's process
    /// exits (<see cref="PostgresServer"/>).
    /// </summary>
    public static void RemoveLeftovers()
    {
        foreach (var root in new[] { CpuRoot, AcctRoot })
        {
            foreach (var run in Directory.EnumerateDirectories(root, "webhookadmin-bench-*"))
            {
                try
                {
                    foreach (var group in Directory.EnumerateDirectories(run))
                        Directory.Delete(group);
                    Directory.Delete(run);
                }
                catch (IOException)
                {
                    // Still in use: another run's.
                }
            }
        }
    }

    public static int ParentOf(int pid) =>
        int.Parse(File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("PPid:", StringComparison.Ordinal))[5..].Trim());

    private static IEnumerable<int> Tree(int root)
    {
        yield return root;
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(folder), out var pid) || pid == root)
                continue;
            int parent;
            try
            {
                parent = ParentOf(pid);
            }
            catch (IOException)
            {
                continue; // gone meanwhile
            }
            if (parent == root)
                yield return pid;
        }
    }

    public void Dispose()
    {
        // A group can go once its processes have; one still in use stays, harmless, until the machine restarts.
        foreach (var folder in new[] { _cpu, _acct })
        {
            try
            {
                Directory.Delete(folder);
                Directory.Delete(Path.GetDirectoryName(folder)!);
            }
            catch (IOException)
            {
            }
        }
    }
}
