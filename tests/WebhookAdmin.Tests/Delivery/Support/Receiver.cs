using System.Collections.Concurrent;
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

namespace WebhookAdmin.Tests.Delivery.Support;

/// <summary>What a receiver got: when (monotonic), the headers, the body, and the event's <c>data.n</c> when it has one.</summary>
public sealed record ReceivedRequest(TimeSpan At, IReadOnlyDictionary<string, string> Headers, string Body)
{
    private int? _n;

    public JsonElement Event => JsonDocument.Parse(Body).RootElement;

    public int N => _n ??= Event.GetProperty("data").GetProperty("n").GetInt32();

    public string Header(string name) => Headers.TryGetValue(name, out var value) ? value : "";
}

/// <summary>How a receiver answers the <paramref name="Index"/>th request (0-based) it got.</summary>
public delegate Task<IResult> Answer(ReceivedRequest request, int index, CancellationToken aborted);

/// <summary>A real Kestrel server on 127.0.0.1 and a free port, recording every request before it answers.</summary>
public sealed class Receiver : IAsyncDisposable
{
    private static readonly Stopwatch Clock = Stopwatch.StartNew();
    private readonly ConcurrentQueue<ReceivedRequest> _requests = new();
    private readonly WebApplication _app;
    private int _count;

    private Receiver(WebApplication app) => _app = app;

    /// <summary>Changeable while running, e.g. to let a failing receiver recover.</summary>
    public Answer Answer { get; set; } = Answers.Status(200);

    public string Url { get; private set; } = "";

    public IReadOnlyList<ReceivedRequest> Requests => _requests.ToArray();

    public IReadOnlyList<int> Arrivals => Requests.Select(r => r.N).ToArray();

    public static TimeSpan Now => Clock.Elapsed;

    public static async Task<Receiver> StartAsync(Answer? answer = null)
    {
        var builder = ReceiverHosts.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var receiver = new Receiver(app);
        if (answer is not null)
            receiver.Answer = answer;
        app.MapPost("/{**path}", (Delegate)receiver.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        receiver.Url = address.TrimEnd('/') + "/hook";
        return receiver;
    }

    private async Task<IResult> HandleAsync(HttpContext http)
    {
        using var reader = new StreamReader(http.Request.Body);
        var body = await reader.ReadToEndAsync(http.RequestAborted);
        var headers = http.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString());
        var request = new ReceivedRequest(Now, headers, body);
        var index = Interlocked.Increment(ref _count) - 1;
        _requests.Enqueue(request);
        return await Answer(request, index, http.RequestAborted);
    }

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
    }
}

public static class Answers
{
    public static Answer Status(int status, string body = "received") =>
        (_, _, _) => Task.FromResult(Results.Text(body, statusCode: status));

    /// <summary>Never answers; returns only when the sender gives up and the connection goes.</summary>
    public static Answer Hang => async (_, _, aborted) =>
    {
        try
        {
            await Task.Delay(Timeout.Infinite, aborted);
        }
        catch (OperationCanceledException)
        {
        }
        return Results.Empty;
    };

    /// <summary>500 for the first <paramref name="failures"/> requests carrying event <paramref name="n"/>, 200 for everything else.</summary>
    public static Answer FailEvent(int n, int failures)
    {
        var failed = 0;
        return (request, _, _) => Task.FromResult(
            request.N == n && Interlocked.Increment(ref failed) <= failures ? Results.Text("not yet", statusCode: 500) : Results.Text("ok"));
    }
}
