using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using WebhookAdmin.Core;
using WebhookAdmin.Core.Delivery;
using WebhookAdmin.Core.Events;
using WebhookAdmin.Core.Logs;
using WebhookAdmin.Core.Storage;
using WebhookAdmin.Core.Webhooks;
using WebhookAdmin.Tests.Support;

namespace WebhookAdmin.Tests.Delivery.Support;

/// <summary>
/// The dispatcher as production runs it (same registrations, a real migrated database of the run's provider, a real
/// host), with fast test timings. Two hosts on one <see cref="ConnectionString"/> model a restart.
/// </summary>
public sealed class DispatcherHost : IAsyncDisposable
{
    public static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(200);
    /// <summary>
    /// Patient, since a loaded CI machine was seen to answer later than a second, which turned a test's delivery into a
    /// retry; a test about timeouts sets its own.
    /// </summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly IHost _host;
    private bool _stopped;

    private readonly string _folder;

    private DispatcherHost(IHost host, string folder, string connectionString)
    {
        _host = host;
        _folder = folder;
        ConnectionString = connectionString;
    }

    /// <summary>The database; another host started on it continues where this one stopped.</summary>
    public string ConnectionString { get; }

    public IServiceProvider Services => _host.Services;

    public WebhookService Webhooks => Services.GetRequiredService<WebhookService>();

    public IEventPublisher Publisher => Services.GetRequiredService<IEventPublisher>();

    /// <param name="settings">Overrides of <c>Webhooks:Delivery:*</c> (key without the prefix).</param>
    /// <param name="database">An existing database (a restart); the first host's database outlives it.</param>
    /// <param name="dispatch">False to test publishing alone, with no attempts made.</param>
    /// <param name="services">Changes to the host's services after the app's own (a part left out, say).</param>
    public static async Task<DispatcherHost> StartAsync(
        IReadOnlyDictionary<string, string>? settings = null, string? database = null, bool dispatch = true, Action<IServiceCollection>? services = null)
    {
        var folder = Directory.CreateTempSubdirectory("webhookadmin-delivery-").FullName;
        database ??= await TestStorage.NewDatabaseAsync(folder);
        var values = new Dictionary<string, string?>
        {
            ["RetryDelay"] = RetryDelay.ToString("c", CultureInfo.InvariantCulture),
            ["Timeout"] = Timeout.ToString("c", CultureInfo.InvariantCulture),
            ["MaxAttempts"] = "3",
            ["AllowPrivateNetworks"] = "true",
            ["PollInterval"] = "00:00:00.250",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
            values[key] = value;

        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(values.ToDictionary(v => $"{DeliveryOptions.SectionName}:{v.Key}", v => v.Value));
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(10));
        // WEBHOOKADMIN_TEST_LOGS=1 shows the dispatcher's own logs while investigating a failure.
        builder.Services.AddLogging(logging =>
        {
            if (Environment.GetEnvironmentVariable("WEBHOOKADMIN_TEST_LOGS") == "1")
                logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Debug).AddFilter("Microsoft", LogLevel.Warning);
        });
        builder.Services.AddWebhookAdminCore(database, TestStorage.Provider);
        builder.Services.AddWebhookDelivery(builder.Configuration);
        services?.Invoke(builder.Services);
        builder.Services.TryAddSingleton<WebhookAdmin.Core.Notices.IOperationalNotices, SilentNotices>();
        var dispatcher = new DispatcherHost(builder.Build(), folder, database);
        try
        {
            await dispatcher.Services.MigrateWebhookStorageAsync();
            if (dispatch)
            {
                await dispatcher._host.StartAsync();
            }
            else
            {
                // Publishing only: the writer runs (as on an instance with delivery off), no dispatcher.
                await dispatcher.Services.GetRequiredService<DeliveryWriter>().StartAsync(CancellationToken.None);
                dispatcher._stopped = true;
            }
            return dispatcher;
        }
        catch
        {
            dispatcher._stopped = true;
            await dispatcher.DisposeAsync();
            throw;
        }
    }

    public async Task<Webhook> CreateWebhookAsync(WebhookDraft draft, string company = Ids.Acme) =>
        (await Webhooks.CreateAsync(company, draft)).Saved();

    public Task<Webhook> CreateUserWebhookAsync(string url, string name = "User changes", string company = Ids.Acme) =>
        CreateWebhookAsync(Drafts.User(name: name, url: url), company);

    public async Task<string> PublishAsync(CotEvent cotEvent, string company = Ids.Acme)
    {
        var outcome = await Publisher.PublishAsync(company, cotEvent);
        return outcome is PublishOutcome.Accepted accepted ? accepted.EventId : throw new Xunit.Sdk.XunitException($"Expected the event to be accepted, got {outcome}.");
    }

    /// <summary>Publishes user edits numbered <paramref name="numbers"/> (as <c>data.n</c>), one after another.</summary>
    public async Task PublishUserEditsAsync(params int[] numbers)
    {
        foreach (var n in numbers)
            await PublishAsync(Events.UserEdit(n));
    }

    /// <summary>The webhook's logs in publish order, each with its attempts.</summary>
    public async Task<WebhookLog[]> LogsAsync(string webhookId)
    {
        await using var db = await Services.GetRequiredService<IDbContextFactory<WebhookAdminDbContext>>().CreateDbContextAsync();
        var logs = await db.WebhookLogs.AsNoTracking().Include(l => l.Event).Include(l => l.Attempts)
            .Where(l => l.WebhookId == webhookId).OrderBy(l => l.Sequence).ToArrayAsync();
        foreach (var log in logs)
            log.Attempts.Sort((a, b) => a.Number.CompareTo(b.Number));
        return logs;
    }

    /// <summary>Waits until the webhook has <paramref name="count"/> logs and none is pending.</summary>
    public Task<WebhookLog[]> SettledLogsAsync(string webhookId, int count, TimeSpan? timeout = null) =>
        Eventually.WaitAsync(() => LogsAsync(webhookId), logs => logs.Length == count && logs.All(l => l.State != DeliveryState.Pending),
            timeout, $"{count} settled logs of webhook {webhookId}");

    /// <summary>Stops the dispatcher the way the host does at shutdown.</summary>
    public async Task StopAsync()
    {
        if (_stopped)
            return;
        _stopped = true;
        await _host.StopAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _host.Dispose();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open only leaves a temp folder behind.
        }
    }
}

/// <summary>COTEvents for tests; <c>data.n</c> numbers them so receivers can tell the order.</summary>
public static class Events
{
    public static CotEvent UserEdit(int n, string? callerId = null) =>
        new(CotEventTypes.User, CotEventNames.Edit, Data(new { n, _id = "62742b7562f37034d9399914", name = $"User {n}" }), Id: callerId);

    public static CotEvent UserLogout(int n) => new(CotEventTypes.User, CotEventNames.Logout, Data(new { n }));

    public static CotEvent TaskCreated(int n, string workflow) =>
        new(CotEventTypes.Task, CotEventNames.Create, Data(new { n, taskGroup = workflow }));

    public static CotEvent SurveyAnswered(int n, string survey, string group) =>
        new(CotEventTypes.SurveyExecution, CotEventNames.Create, Data(new { n, survey, group }));

    public static JsonElement Data(object value) => JsonSerializer.SerializeToElement(value);
}
