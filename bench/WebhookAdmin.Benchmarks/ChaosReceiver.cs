using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using WebhookAdmin.Tests.Support;

namespace WebhookAdmin.Benchmarks;

/// <summary>How one receiver of the chaos run answers.</summary>
internal enum ReceiverKind
{
    /// <summary>200 at once (a fifth of first attempts 500).</summary>
    Healthy,

    /// <summary>200 after 500–1,000 ms (a fifth of first attempts 500, at once).</summary>
    Slow,

    /// <summary>Takes the request and never answers: only the sender's attempt timeout ends it.</summary>
    Silent,

    /// <summary>200 with a body of NUL bytes and invalid UTF-8 (a fifth of first attempts 500).</summary>
    Garbage,
}

/// <summary>
/// The chaos run's receivers: a real Kestrel on 127.0.0.1 where webhook w posts to <c>/chaos/{w}</c>, each answering as
/// its <see cref="ReceiverKind"/> says. The body's <c>data.run</c> names the measurement and <c>data.k</c> numbers the
/// event among those published to that webhook. It stamps the first arrival of each (webhook, k) that it accepts (a
/// request answered 500 is not an arrival) and counts an inversion when a first arrival comes after a later event's.
/// </summary>
internal sealed class ChaosReceiver : IAsyncDisposable
{
    /// <summary>A fifth of first attempts are answered 500, the same (webhook, k) in every run, so runs compare.</summary>
    public const int FailFirstPercent = 20;

    private static readonly byte[] GarbageBody = [0x00, 0xFF, 0xFE, (byte)'o', (byte)'k', 0x00, 0xC3, 0x28, 0xE2, 0x82, 0x00, 0xF0, 0x9F, 0x00, 0x80];

    private readonly WebApplication _app;
    private Run _current = new(0, [], 0);
    private int _runNumber;

    private ChaosReceiver(WebApplication app) => _app = app;

    public string BaseUrl { get; private set; } = "";

    public static async Task<ChaosReceiver> StartAsync()
    {
        var builder = ReceiverHosts.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        // Silent receivers hold requests open; stopping must not wait the default 30 s for them.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));
        var app = builder.Build();
        var receiver = new ChaosReceiver(app);
        app.MapPost("/chaos/{webhook:int}", (Delegate)receiver.HandleAsync);
        await app.StartAsync();
        receiver.BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single().TrimEnd('/');
        return receiver;
    }

    /// <summary>A new measurement: <paramref name="kinds"/>[w] says how webhook w answers; each gets at most <paramref name="perWebhook"/> events.</summary>
    public Run Begin(IReadOnlyList<ReceiverKind> kinds, int perWebhook)
    {
        var run = new Run(Interlocked.Increment(ref _runNumber), kinds, perWebhook);
        Volatile.Write(ref _current, run);
        return run;
    }

    /// <summary>Whether event k of webhook w has its first attempt answered 500: a fixed hash, a fifth of them.</summary>
    public static bool FailsFirst(int webhook, int k)
    {
        var x = (uint)webhook * 0x9E3779B1u ^ (uint)k * 0x85EBCA77u;
        x ^= x >> 15;
        x *= 0x2C1B3C6Du;
        x ^= x >> 12;
        return x % 100 < FailFirstPercent;
    }

    private async Task HandleAsync(int webhook, HttpContext context)
    {
        var run = Volatile.Read(ref _current);
        var now = Stopwatch.GetTimestamp();
        if (webhook < 0 || webhook >= run.Kinds.Count)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        Interlocked.Increment(ref run.Requests[webhook]);
        var kind = run.Kinds[webhook];
        if (kind == ReceiverKind.Silent)
        {
            try
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                // The sender gave up (its attempt timeout) or the receiver is stopping.
            }
            return;
        }

        using var body = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
        var data = body.RootElement.GetProperty("data");
        var k = data.GetProperty("k").GetInt32();
        if (data.GetProperty("run").GetInt32() != run.Number || k < 0 || k >= run.PerWebhook)
            return; // a straggler of an earlier run: 200, counted nowhere

        if (Interlocked.Increment(ref run.Attempts[webhook][k]) == 1 && FailsFirst(webhook, k))
        {
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            return;
        }
        if (Interlocked.CompareExchange(ref run.Arrivals[webhook][k], now, 0) == 0)
            run.FirstArrival(webhook, k);

        if (kind == ReceiverKind.Slow)
            await Task.Delay(Random.Shared.Next(500, 1001), context.RequestAborted);
        if (kind == ReceiverKind.Garbage)
        {
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.Body.WriteAsync(GarbageBody, context.RequestAborted);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>One measurement's arrivals, per webhook and event number k (Stopwatch timestamps, 0 until arrived).</summary>
    internal sealed class Run
    {
        private readonly int[] _highest;
        private readonly int[] _received;
        private int _inversions;

        public Run(int number, IReadOnlyList<ReceiverKind> kinds, int perWebhook)
        {
            Number = number;
            Kinds = kinds;
            PerWebhook = perWebhook;
            Arrivals = kinds.Select(_ => new long[perWebhook]).ToArray();
            Attempts = kinds.Select(_ => new int[perWebhook]).ToArray();
            Requests = new long[kinds.Count];
            _highest = Enumerable.Repeat(-1, kinds.Count).ToArray();
            _received = new int[kinds.Count];
        }

        public int Number { get; }

        public IReadOnlyList<ReceiverKind> Kinds { get; }

        public int PerWebhook { get; }

        public long[][] Arrivals { get; }

        public int[][] Attempts { get; }

        /// <summary>Requests per webhook, whatever their answer.</summary>
        public long[] Requests { get; }

        /// <summary>First arrivals that came after a later event of the same webhook had arrived.</summary>
        public int Inversions => Volatile.Read(ref _inversions);

        public int Received(int webhook) => Volatile.Read(ref _received[webhook]);

        public void FirstArrival(int webhook, int k)
        {
            // A webhook has one attempt in flight at a time, so its own counters are never raced; the lock is for safety.
            lock (_highest)
            {
                if (k < _highest[webhook])
                    _inversions++;
                else
                    _highest[webhook] = k;
            }
            Interlocked.Increment(ref _received[webhook]);
        }
    }
}
