using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using WebhookAdmin.Tests.Support;

namespace WebhookAdmin.Benchmarks;

/// <summary>
/// A real Kestrel receiver on 127.0.0.1 (a free port picked by binding port 0) that answers 200 at once and stamps
/// when each (webhook, event) first arrived. Webhook w posts to <c>/hook/{w}</c>; the body's <c>data.run</c> says which
/// measurement the event belongs to and <c>data.n</c> numbers it, so stragglers of an earlier run are never counted.
/// </summary>
public sealed class BenchReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private long[,] _arrivals = new long[0, 0];
    private int _run;
    private int _received;
    private int _duplicates;
    private long _requests;

    private BenchReceiver(WebApplication app) => _app = app;

    public string BaseUrl { get; private set; } = "";

    public int Received => Volatile.Read(ref _received);

    /// <summary>Requests of any run, including those the current run does not count.</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Second arrivals of a (webhook, event) already received in this run: retries the receiver did not need.</summary>
    public int Duplicates => Volatile.Read(ref _duplicates);

    public static async Task<BenchReceiver> StartAsync()
    {
        var builder = ReceiverHosts.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var receiver = new BenchReceiver(app);
        app.MapPost("/hook/{webhook:int}", (Delegate)receiver.HandleAsync);
        // The HTTP ceiling for publishing: read the body, answer 202, store nothing.
        app.MapPost("/accept", async (HttpRequest request) =>
        {
            await request.Body.CopyToAsync(Stream.Null);
            return Results.Accepted();
        });
        await app.StartAsync();
        receiver.BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single().TrimEnd('/');
        return receiver;
    }

    /// <summary>Starts a new run with room for <paramref name="webhooks"/> × <paramref name="events"/> arrivals; returns its number.</summary>
    public int Begin(int webhooks, int events)
    {
        _arrivals = new long[webhooks, events];
        Volatile.Write(ref _received, 0);
        Volatile.Write(ref _duplicates, 0);
        return Interlocked.Increment(ref _run);
    }

    /// <summary>When event <paramref name="n"/> first reached webhook <paramref name="webhook"/> (a Stopwatch timestamp), 0 if never.</summary>
    public long ArrivalOf(int webhook, int n) => Volatile.Read(ref _arrivals[webhook, n]);

    private async Task<IResult> HandleAsync(int webhook, HttpRequest request)
    {
        var now = Stopwatch.GetTimestamp();
        Interlocked.Increment(ref _requests);
        using var body = await JsonDocument.ParseAsync(request.Body);
        if (!body.RootElement.GetProperty("data").TryGetProperty("run", out var runValue))
            return Results.Ok();
        var data = body.RootElement.GetProperty("data");
        var run = runValue.GetInt32();
        var n = data.GetProperty("n").GetInt32();
        var arrivals = _arrivals;
        if (run != Volatile.Read(ref _run) || webhook >= arrivals.GetLength(0) || n >= arrivals.GetLength(1))
            return Results.Ok();
        // First arrival only: a retried duplicate must not flatter the latency.
        if (Interlocked.CompareExchange(ref arrivals[webhook, n], now, 0) == 0)
            Interlocked.Increment(ref _received);
        else
            Interlocked.Increment(ref _duplicates);
        return Results.Ok();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
