using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using WebhookAdmin.Core;
using WebhookAdmin.Core.Delivery;
using WebhookAdmin.Core.Events;
using WebhookAdmin.Core.Storage;
using WebhookAdmin.Core.Webhooks;

namespace WebhookAdmin.Benchmarks;

/// <summary>Something events are published to, which delivers each to webhooks <c>0..W-1</c> of the receiver.</summary>
internal interface IDeliveryTarget : IAsyncDisposable
{
    ValueTask PublishAsync(int run, int n);
}

internal static class BenchEvents
{
    public const string Company = "625bcbdcc9a8e3a86dbf041c";

    /// <summary>A user edit of about the size the platform sends; <c>data.run</c> and <c>data.n</c> let the receiver tell it apart.</summary>
    public static CotEvent UserEdit(int run, int n) =>
        new(CotEventTypes.User, CotEventNames.Edit,
            JsonSerializer.SerializeToElement(new { run, n, _id = "62742b7562f37034d9399914", name = "Benchmark user", email = "bench@example.com" }));
}

/// <summary>
/// The ceiling: the same bodies and the same traffic shape as the dispatcher (one post in flight per webhook, in order,
/// at most <c>concurrency</c> in flight overall) with plain HttpClient posts, in-memory queues and no storage.
/// </summary>
internal sealed class CeilingTarget : IDeliveryTarget
{
    private readonly HttpClient _client = new();
    private readonly SemaphoreSlim _slots;
    private readonly Channel<string>[] _queues;
    private readonly Task[] _lanes;

    public CeilingTarget(string baseUrl, int webhooks, int concurrency)
    {
        _slots = new SemaphoreSlim(concurrency);
        _queues = Enumerable.Range(0, webhooks).Select(_ => Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true })).ToArray();
        _lanes = _queues.Select((queue, w) => RunLaneAsync(queue.Reader, $"{baseUrl}/hook/{w}")).ToArray();
    }

    public ValueTask PublishAsync(int run, int n)
    {
        var body = CotEventJson.Write(BenchEvents.Company, BenchEvents.UserEdit(run, n), DateTime.UtcNow);
        foreach (var queue in _queues)
            queue.Writer.TryWrite(body);
        return ValueTask.CompletedTask;
    }

    private async Task RunLaneAsync(ChannelReader<string> queue, string url)
    {
        await foreach (var body in queue.ReadAllAsync())
        {
            await _slots.WaitAsync();
            try
            {
                using var content = new StringContent(body, Encoding.UTF8, "application/json");
                using var response = await _client.PostAsync(url, content);
            }
            finally
            {
                _slots.Release();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var queue in _queues)
            queue.Writer.Complete();
        await Task.WhenAll(_lanes);
        _client.Dispose();
        _slots.Dispose();
    }
}

/// <summary>
/// The product: Core's storage and delivery registrations (<see cref="CoreServices.AddWebhookAdminCore"/>,
/// <see cref="DeliveryServices.AddWebhookDelivery"/>) on a fresh migrated SQLite file, with production defaults except
/// that loopback targets are allowed; <c>webhooks</c> active COTUser webhooks pointing at the receiver.
/// </summary>
internal sealed class DispatcherTarget : IDeliveryTarget
{
    private readonly IHost _host;
    private readonly string _folder;
    private readonly IEventPublisher _publisher;

    private DispatcherTarget(IHost host, string folder)
    {
        _host = host;
        _folder = folder;
        _publisher = host.Services.GetRequiredService<IEventPublisher>();
    }

    public static async Task<DispatcherTarget> StartAsync(string baseUrl, int webhooks, int concurrency)
    {
        var folder = Directory.CreateTempSubdirectory("webhookadmin-bench-").FullName;
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"{DeliveryOptions.SectionName}:AllowPrivateNetworks"] = "true",
            [$"{DeliveryOptions.SectionName}:MaxConcurrentDeliveries"] = concurrency.ToString(CultureInfo.InvariantCulture),
        });
        builder.Logging.ClearProviders();
        builder.Services.AddWebhookAdminCore($"Data Source={Path.Combine(folder, "bench.db")}");
        builder.Services.AddWebhookDelivery(builder.Configuration);
        var host = builder.Build();
        await host.Services.MigrateWebhookStorageAsync();
        var service = host.Services.GetRequiredService<WebhookService>();
        for (var w = 0; w < webhooks; w++)
        {
            var outcome = await service.CreateAsync(BenchEvents.Company, new WebhookDraft($"Bench {w}", $"{baseUrl}/hook/{w}", WebhookTrigger.User));
            if (outcome is not WebhookOutcome.Saved)
                throw new InvalidOperationException($"Could not create bench webhook {w}: {outcome}");
        }
        await host.StartAsync();
        return new DispatcherTarget(host, folder);
    }

    public async ValueTask PublishAsync(int run, int n)
    {
        if (await _publisher.PublishAsync(BenchEvents.Company, BenchEvents.UserEdit(run, n)) is not PublishOutcome.Accepted)
            throw new InvalidOperationException($"Event {n} was not accepted.");
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
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
